package soundfont

import (
	"slices"
	"testing"
)

// regionsOf returns the regions preset (bank 0, program) plays at key and vel.
func regionsOf(t *testing.T, f *Font, program, key, vel int) []Region {
	t.Helper()
	p, ok := f.Preset(0, program)
	if !ok {
		t.Fatalf("no preset 0:%d", program)
	}
	var out []Region
	for _, i := range f.AppendRegions(nil, p, uint8(key), uint8(vel)) {
		out = append(out, f.Regions[i])
	}
	return out
}

// TestGeneratorAddition follows §8.5's example and §9.4: instrument
// generators are absolute (a zone's own over its global zone's over the
// default), preset generators are relative and added (a zone's own
// replacing its global zone's).
func TestGeneratorAddition(t *testing.T) {
	inst0 := tinst{name: "Two zones", zones: []tzone{
		{gens: []tgen{{Pan, amt(-100)}, {InitialFilterFc, amt(9000)}}}, // global
		{gens: []tgen{{KeyRange, rng(0, 59)}, {SampleID, 0}}},
		{gens: []tgen{{KeyRange, rng(60, 127)}, {AttackVolEnv, amt(1200)}, {Pan, amt(200)}, {SampleID, 0}}},
	}}
	f := mustRead(t, build([]tpreset{
		// §8.5: +2400 on a default (-12000) and on 1200 gives -9600 and 3600.
		{name: "Plain", program: 0, zones: []tzone{{gens: []tgen{{AttackVolEnv, amt(2400)}, {Instrument, 0}}}}},
		// A global preset zone adds to every zone; a local zone's replaces it.
		{name: "Global", program: 1, zones: []tzone{
			{gens: []tgen{{AttackVolEnv, amt(100)}, {InitialAttenuation, amt(50)}}},
			{gens: []tgen{{KeyRange, rng(0, 63)}, {AttackVolEnv, amt(-300)}, {Instrument, 0}}},
			{gens: []tgen{{KeyRange, rng(64, 127)}, {Instrument, 0}}},
		}},
	}, []tinst{inst0}, []tsample{sine}, 146))

	at := func(program, key int) Region {
		rs := regionsOf(t, f, program, key, 100)
		if len(rs) != 1 {
			t.Fatalf("program %d key %d: %d regions, want 1", program, key, len(rs))
		}
		return rs[0]
	}
	for _, c := range []struct {
		program, key int
		g            Gen
		want         int32
	}{
		{0, 40, AttackVolEnv, -9600},
		{0, 80, AttackVolEnv, 3600},
		{0, 40, Pan, -100},             // the instrument's global zone
		{0, 80, Pan, 200},              // the zone's own over the global zone's
		{0, 80, InitialFilterFc, 9000}, // the global zone over the default
		{0, 40, DecayVolEnv, -12000},   // the default
		{1, 40, AttackVolEnv, -12300},  // the local preset zone's -300 replaces the global's 100
		{1, 62, AttackVolEnv, 1200 - 300},
		{1, 64, AttackVolEnv, 1200 + 100}, // the global preset zone's 100
		{1, 40, InitialAttenuation, 50},
		{1, 100, InitialAttenuation, 50},
		{1, 100, ScaleTuning, 100},
	} {
		if got := at(c.program, c.key).Gen[c.g]; got != c.want {
			t.Errorf("program %d key %d: %v = %d, want %d", c.program, c.key, c.g, got, c.want)
		}
	}
	// Ranges intersect: preset 1's zone 0..63 over the instrument's 60..127
	// is 60..63.
	p, _ := f.Preset(0, 1)
	var ranges [][2]uint8
	for _, r := range f.Regions[f.Presets[p].First:f.Presets[p].End] {
		ranges = append(ranges, [2]uint8{r.KeyLo, r.KeyHi})
	}
	if want := [][2]uint8{{0, 59}, {60, 63}, {64, 127}}; !slices.Equal(ranges, want) {
		t.Errorf("preset 1's key ranges %v, want %v (64..127 over 0..59 sounds nowhere)", ranges, want)
	}
}

// TestZoneRules checks what §7.3-7.9 say to ignore.
func TestZoneRules(t *testing.T) {
	f := mustRead(t, build([]tpreset{
		// A preset may not set sample generators (§8.5): ignored.
		{name: "Sample gens", program: 0, zones: []tzone{{gens: []tgen{
			{OverridingRootKey, 70}, {StartAddrsOffset, 10}, {SampleModes, 1}, {ExclusiveClass, 3}, {Keynum, 50}, {CoarseTune, amt(2)}, {Instrument, 0}}}}},
		// Generators after the terminal one are ignored; keyRange counts
		// only first, velRange only first or after keyRange.
		{name: "Order", program: 1, zones: []tzone{{gens: []tgen{
			{VelRange, rng(10, 20)}, {KeyRange, rng(30, 40)}, {Instrument, 0}, {Pan, amt(300)}}}}},
		{name: "Key then vel", program: 2, zones: []tzone{{gens: []tgen{
			{KeyRange, rng(30, 40)}, {VelRange, rng(10, 20)}, {Instrument, 0}}}}},
		{name: "Vel after other", program: 3, zones: []tzone{{gens: []tgen{
			{Pan, amt(1)}, {VelRange, rng(10, 20)}, {Instrument, 0}}}}},
		// A zone without its instrument that is not first is ignored; so is
		// a lone first zone without one. Of two generators the later counts.
		{name: "Stray", program: 4, zones: []tzone{
			{gens: []tgen{{Instrument, 0}}},
			{gens: []tgen{{KeyRange, rng(0, 10)}, {Pan, amt(400)}}},
			{gens: []tgen{{Pan, amt(10)}, {Pan, amt(20)}, {Instrument, 0}}},
		}},
		{name: "Lone global", program: 5, zones: []tzone{{gens: []tgen{{Pan, amt(400)}}}}},
		// A preset zone may not name a sample.
		{name: "Preset sampleID", program: 6, zones: []tzone{{gens: []tgen{{SampleID, 0}, {Instrument, 0}}}}},
	}, []tinst{{name: "I", zones: []tzone{{gens: []tgen{{SampleID, 0}, {Pan, amt(-400)}}}}}}, []tsample{sine}, 146))

	r := regionsOf(t, f, 0, 60, 100)[0]
	if r.RootKey != 60 || r.Start != 0 || r.Loop != NoLoop || r.ExclusiveClass != 0 || r.Key != -1 || r.Gen[CoarseTune] != 2 {
		t.Errorf("sample generators at preset level: %+v", r)
	}
	if r.Gen[Pan] != 0 {
		t.Errorf("pan %d: the instrument's -400 came after its sampleID and must be ignored", r.Gen[Pan])
	}
	// Program 1: velRange first counts, keyRange second does not.
	if rs := regionsOf(t, f, 1, 60, 15); len(rs) != 1 || rs[0].VelLo != 10 || rs[0].VelHi != 20 || rs[0].KeyLo != 0 || rs[0].KeyHi != 127 || rs[0].Gen[Pan] != 0 {
		t.Errorf("program 1: %+v", rs)
	}
	if rs := regionsOf(t, f, 2, 35, 15); len(rs) != 1 || rs[0].KeyLo != 30 || rs[0].VelHi != 20 {
		t.Errorf("program 2: %+v", rs)
	}
	if rs := regionsOf(t, f, 2, 35, 21); len(rs) != 0 {
		t.Errorf("program 2 at velocity 21: %d regions", len(rs))
	}
	if rs := regionsOf(t, f, 3, 60, 100); len(rs) != 1 || rs[0].VelLo != 0 || rs[0].Gen[Pan] != 1 {
		t.Errorf("program 3: %+v", rs)
	}
	rs := regionsOf(t, f, 4, 5, 100)
	if len(rs) != 2 || rs[0].Gen[Pan] != 0 || rs[1].Gen[Pan] != 20 {
		t.Errorf("program 4: %d regions %+v, want 2 with pan 0 and 20", len(rs), rs)
	}
	if rs := regionsOf(t, f, 5, 60, 100); len(rs) != 0 {
		t.Errorf("program 5 (a lone global zone): %d regions", len(rs))
	}
	if rs := regionsOf(t, f, 6, 60, 100); len(rs) != 1 {
		t.Errorf("program 6: %d regions", len(rs))
	}
}

// TestSamplePlacement checks address offsets, loop modes and the
// instrument-only generators resolved into a region's fields.
func TestSamplePlacement(t *testing.T) {
	long := tsample{name: "Long", start: 0, end: 70000, lstart: 100, lend: 69000, rate: 22050, key: 255, corr: -4, typ: uint16(Mono)}
	f := mustRead(t, build([]tpreset{{name: "P", zones: []tzone{{gens: []tgen{{Instrument, 0}}}}}},
		[]tinst{{name: "I", zones: []tzone{
			{gens: []tgen{{KeyRange, rng(0, 9)}, {StartAddrsOffset, 5}, {StartAddrsCoarseOffset, 1}, {EndAddrsOffset, amt(-10)},
				{StartloopAddrsOffset, amt(-50)}, {EndloopAddrsCoarseOffset, amt(-1)}, {SampleModes, 3},
				{OverridingRootKey, 72}, {Keynum, 64}, {Velocity, 90}, {ExclusiveClass, 7}, {SampleID, 0}}},
			// Offsets past the sample are kept within it; a loop emptied by
			// them plays as no loop; sampleModes 2 is no loop.
			{gens: []tgen{{KeyRange, rng(10, 19)}, {StartAddrsCoarseOffset, 5}, {SampleModes, 1}, {SampleID, 0}}},
			{gens: []tgen{{KeyRange, rng(20, 29)}, {SampleModes, 2}, {SampleID, 0}}},
			{gens: []tgen{{KeyRange, rng(30, 39)}, {SampleModes, 1}, {SampleID, 0}}},
		}}}, []tsample{long}, 70046))
	if s := f.Samples[0]; s.OriginalKey != 60 || s.Correction != -4 || s.Rate != 22050 || s.Link != -1 {
		t.Errorf("sample %+v: key 255 reads as 60", s)
	}
	for _, c := range []struct {
		key  int
		want Region
	}{
		// Loop start 100-50 lies before Start: it moves up to Start.
		{0, Region{Start: 32768 + 5, End: 69990, LoopStart: 32768 + 5, LoopEnd: 69000 - 32768, Loop: LoopRelease, RootKey: 72, Key: 64, Velocity: 90, ExclusiveClass: 7}},
		{10, Region{Start: 70000, End: 70000, LoopStart: 70000, LoopEnd: 70000, Loop: NoLoop, RootKey: 60, Key: -1, Velocity: -1}},
		{20, Region{Start: 0, End: 70000, LoopStart: 100, LoopEnd: 69000, Loop: NoLoop, RootKey: 60, Key: -1, Velocity: -1}},
		{30, Region{Start: 0, End: 70000, LoopStart: 100, LoopEnd: 69000, Loop: LoopContinuous, RootKey: 60, Key: -1, Velocity: -1}},
	} {
		r := regionsOf(t, f, 0, c.key, 64)[0]
		got := Region{Start: r.Start, End: r.End, LoopStart: r.LoopStart, LoopEnd: r.LoopEnd, Loop: r.Loop, RootKey: r.RootKey, Key: r.Key, Velocity: r.Velocity, ExclusiveClass: r.ExclusiveClass}
		if got != c.want {
			t.Errorf("key %d: %+v\nwant %+v", c.key, got, c.want)
		}
	}
}

// TestModulators checks §9.5.1's precedence: an instrument zone's
// modulator replaces the same default or global one; a preset's adds to
// the same one, or joins the list.
func TestModulators(t *testing.T) {
	velAtt := defaultMods[0]
	mine := velAtt
	mine.Amount = 480
	cc2 := Modulator{Src: SrcCC | 2, Dest: InitialFilterFc, Amount: 100}
	add := velAtt
	add.Amount = 20
	bad := Modulator{Src: SrcCC, Dest: Pan, Amount: 5}                       // CC0 is bank select: ignored
	link := Modulator{Src: SrcVelocity, Dest: 0x8000 | 1, Amount: 5}         // a link: ignored
	noDest := Modulator{Src: SrcVelocity, Dest: StartAddrsOffset, Amount: 5} // not a value generator: ignored
	first := Modulator{Src: SrcCC | 3, Dest: Pan, Amount: 1, Transform: 0}   // replaced by the next in its zone
	second := Modulator{Src: SrcCC | 3, Dest: Pan, Amount: 2, Transform: TransformAbsolute}
	f := mustRead(t, build([]tpreset{
		{name: "P", zones: []tzone{{gens: []tgen{{Instrument, 0}}, mods: []Modulator{add, cc2}}}},
	}, []tinst{{name: "I", zones: []tzone{
		{mods: []Modulator{mine, bad, link, noDest}}, // a global zone of modulators only
		{gens: []tgen{{SampleID, 0}}, mods: []Modulator{first, second}},
	}}}, []tsample{sine}, 146))
	got := f.Mods(&f.Regions[0])
	want := append(DefaultModulators(), second, cc2)
	want[0].Amount = 480 + 20
	if !slices.Equal(got, want) {
		t.Errorf("modulators\n%v\nwant\n%v", got, want)
	}
}
