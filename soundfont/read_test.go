package soundfont

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func read(t *testing.T, b []byte) (*Font, error) {
	t.Helper()
	return Read(bytes.NewReader(b), int64(len(b)), "test.sf2")
}

func mustRead(t *testing.T, w *sfw) *Font {
	t.Helper()
	f, err := read(t, w.bytes())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestReadMinimal(t *testing.T) {
	f := mustRead(t, minimal())
	if f.Info.Major != 2 || f.Info.Minor != 4 || f.Info.Name != "Test" || f.Info.Engine != "EMU8000" {
		t.Errorf("info %+v", f.Info)
	}
	if len(f.Presets) != 1 || len(f.Instruments) != 1 || len(f.Samples) != 1 || len(f.Regions) != 1 || len(f.Data) != 146 || f.Data24 != nil {
		t.Fatalf("%d presets, %d instruments, %d samples, %d regions, %d points, data24 %v",
			len(f.Presets), len(f.Instruments), len(f.Samples), len(f.Regions), len(f.Data), f.Data24 != nil)
	}
	if f.Data[1] != 37-1000 {
		t.Errorf("point 1 = %d, want %d", f.Data[1], 37-1000)
	}
	p, ok := f.Preset(0, 0)
	if !ok || f.Presets[p].Name != "Piano" {
		t.Fatalf("Preset(0, 0) = %d, %v", p, ok)
	}
	if _, ok := f.Preset(0, 1); ok {
		t.Error("Preset(0, 1) found")
	}
	r := f.Regions[0]
	if r.KeyLo != 0 || r.KeyHi != 127 || r.VelLo != 0 || r.VelHi != 127 || r.Sample != 0 || r.RootKey != 60 ||
		r.Start != 0 || r.End != 100 || r.LoopStart != 20 || r.LoopEnd != 80 || r.Loop != NoLoop || r.Key != -1 || r.Velocity != -1 {
		t.Errorf("region %+v", r)
	}
	for g := range Gen(NumGens) {
		if r.Gen[g] != g.Default() {
			t.Errorf("%v = %d, want the default %d", g, r.Gen[g], g.Default())
		}
	}
	if got := f.Mods(&r); len(got) != 10 || got[0] != defaultMods[0] || got[9] != defaultMods[9] {
		t.Errorf("modulators %v, want the 10 defaults", got)
	}
	if got := f.AppendRegions(nil, p, 60, 100); len(got) != 1 || got[0] != 0 {
		t.Errorf("AppendRegions = %v", got)
	}
}

// TestStructuralErrors breaks one thing at a time in a good font: each is
// a *FormatError naming the file, the chunk and the byte offset.
func TestStructuralErrors(t *testing.T) {
	set16 := func(b []byte, at int, v uint16) { binary.LittleEndian.PutUint16(b[at:], v) }
	set32 := func(b []byte, at int, v uint32) { binary.LittleEndian.PutUint32(b[at:], v) }
	twoPresets := func() *sfw {
		z := []tzone{{gens: []tgen{{Instrument, 0}}}}
		return build([]tpreset{{name: "A", zones: z}, {name: "B", program: 1, zones: z}, {name: "C", program: 2, zones: z}},
			[]tinst{{name: "I", zones: []tzone{{gens: []tgen{{SampleID, 0}}}, {gens: []tgen{{SampleID, 0}}}}}},
			[]tsample{sine}, 146)
	}
	for _, c := range []struct {
		name  string
		font  func() []byte
		chunk string // the chunk the message names ("" for the file)
		want  string
	}{
		{"empty", func() []byte { return nil }, "", "too short for a RIFF file"},
		{"not RIFF", func() []byte { b := minimal().bytes(); copy(b, "RIFX"); return b }, "", "not a RIFF file"},
		{"truncated", func() []byte { b := minimal().bytes(); return b[:len(b)-10] }, "RIFF", "the file is truncated"},
		{"not sfbk", func() []byte { b := minimal().bytes(); copy(b[8:], "WAVE"); return b }, "RIFF", `form type "WAVE"`},
		{"no pdta", func() []byte { w := minimal(); w.lists = []string{"INFO", "sdta"}; return w.bytes() }, "RIFF", "no pdta list"},
		{"lists out of order", func() []byte { w := minimal(); w.lists = []string{"sdta", "INFO", "pdta"}; return w.bytes() }, "sdta", "sdta list before the INFO list"},
		{"two INFO lists", func() []byte { w := minimal(); w.lists = []string{"INFO", "INFO", "sdta", "pdta"}; return w.bytes() }, "INFO", "a second INFO list"},
		{"chunk past its parent", func() []byte {
			w := minimal()
			w.info = append(w.info, w16(w32([]byte("ICMT"), 5000)))
			return w.bytes()
		}, "INFO/ICMT", "runs past the end of its INFO chunk"},
		{"no ifil", func() []byte { w := minimal(); w.ifil = nil; return w.bytes() }, "INFO", "no ifil chunk"},
		{"ifil size", func() []byte { w := minimal(); w.ifil = w16(nil, 2, 1, 0); return w.bytes() }, "INFO/ifil", "size 6, want 4"},
		{"version 3", func() []byte { w := minimal(); w.ifil = w16(nil, 3, 0); return w.bytes() }, "INFO/ifil", "version 3.00"},
		{"odd smpl", func() []byte { w := minimal(); w.smpl = w.smpl[:len(w.smpl)-1]; return w.bytes() }, "sdta/smpl", "size 291 is odd"},
		{"no shdr", func() []byte { w := minimal(); w.order = []int{0, 1, 2, 3, 4, 5, 6, 7}; return w.bytes() }, "pdta", "no shdr chunk"},
		{"tables out of order", func() []byte { w := minimal(); w.order = []int{1, 0, 2, 3, 4, 5, 6, 7, 8}; return w.bytes() }, "pdta/pbag", "pbag before phdr"},
		{"one preset record", func() []byte { w := minimal(); w.tables[phdr] = w.tables[phdr][38:]; return w.bytes() }, "pdta/phdr", "at least one and the terminal record"},
		{"one instrument record", func() []byte { w := minimal(); w.tables[inst] = w.tables[inst][22:]; return w.bytes() }, "pdta/inst", "at least one and the terminal record"},
		{"no terminal sample", func() []byte { w := minimal(); w.tables[shdr] = nil; return w.bytes() }, "pdta/shdr", "the terminal record is missing"},
		{"presets' zones decrease", func() []byte {
			w := twoPresets()
			set16(w.tables[phdr], 38+24, 3)
			return w.bytes()
		}, "pdta/phdr", "preset 2's zone index 2 is below the previous one's 3"},
		{"terminal preset", func() []byte { w := minimal(); set16(w.tables[phdr], 38+24, 5); return w.bytes() }, "pdta/phdr", "the terminal preset's zone index is 5"},
		{"preset zone generators decrease", func() []byte {
			w := twoPresets()
			set16(w.tables[pbag], 4, 0) // zone 1 starts before zone 0's generator
			set16(w.tables[pbag], 0, 1)
			return w.bytes()
		}, "pdta/pbag", "preset zone 1's generator index 0 is below"},
		{"terminal preset zone generator", func() []byte { w := minimal(); set16(w.tables[pbag], 4, 7); return w.bytes() }, "pdta/pbag", "generator index is 7, but pdta/pgen holds 2 records"},
		{"terminal preset zone modulator", func() []byte { w := minimal(); set16(w.tables[pbag], 6, 1); return w.bytes() }, "pdta/pbag", "modulator index is 1, but pdta/pmod holds 1 records"},
		{"instruments' zones decrease", func() []byte {
			w := twoPresets()
			w.tables[inst] = append(w.tables[inst][:22], append(name20("J"), w16(nil, 0)...)...)
			w.tables[inst] = append(w.tables[inst], append(name20("EOI"), w16(nil, 2)...)...)
			set16(w.tables[inst], 20, 1)
			return w.bytes()
		}, "pdta/inst", "instrument 1's zone index 0 is below the previous one's 1"},
		{"terminal instrument", func() []byte { w := minimal(); set16(w.tables[inst], 22+20, 0); return w.bytes() }, "pdta/inst", "the terminal instrument's zone index is 0"},
		{"terminal instrument zone generator", func() []byte { w := minimal(); set16(w.tables[ibag], 4, 3); return w.bytes() }, "pdta/ibag", "generator index is 3"},
		{"terminal instrument zone modulator", func() []byte { w := minimal(); set16(w.tables[ibag], 6, 2); return w.bytes() }, "pdta/ibag", "modulator index is 2"},
		{"no such instrument", func() []byte { w := minimal(); set16(w.tables[pgen], 2, 1); return w.bytes() }, "pdta/pgen", "instrument 1, but the file has 1 instruments"},
		{"no such sample", func() []byte { w := minimal(); set16(w.tables[igen], 2, 4); return w.bytes() }, "pdta/igen", "sampleID 4, but the file has 1 samples"},
		{"sample past smpl", func() []byte { w := minimal(); set32(w.tables[shdr], 24, 147); return w.bytes() }, "pdta/shdr", `sample 0 "Sine" ends at point 147, past smpl's 146 points`},
		{"sample ends before it starts", func() []byte { w := minimal(); set32(w.tables[shdr], 20, 101); return w.bytes() }, "pdta/shdr", "starts at point 101, after its end 100"},
		{"loop past smpl", func() []byte { w := minimal(); set32(w.tables[shdr], 32, 1000); return w.bytes() }, "pdta/shdr", "loops from 20 to 1000, outside smpl's 146 points"},
		{"no smpl", func() []byte { w := minimal(); w.smpl = nil; return w.bytes() }, "pdta/shdr", "past smpl's 0 points"},
		{"sample type", func() []byte { w := minimal(); set16(w.tables[shdr], 44, 3); return w.bytes() }, "pdta/shdr", "has type 0x3"},
		{"stereo link", func() []byte {
			w := minimal()
			set16(w.tables[shdr], 44, uint16(Left))
			set16(w.tables[shdr], 42, 9)
			return w.bytes()
		}, "pdta/shdr", "links to sample 9"},
		{"ROM sample", func() []byte { w := minimal(); set16(w.tables[shdr], 44, 0x8001); return w.bytes() }, "pdta/shdr", "is a ROM sample"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := c.font()
			_, err := read(t, b)
			checkFormatError(t, err, b, c.chunk, c.want)
		})
	}
	// Every pdta table must hold whole records.
	for k, h := range hydra {
		w := minimal()
		w.tables[k] = append(w.tables[k], 0)
		b := w.bytes()
		_, err := read(t, b)
		checkFormatError(t, err, b, "pdta/"+h.id, "is not a multiple of the "+strconv.Itoa(int(h.size))+"-byte record")
	}
}

// checkFormatError checks err is a *FormatError with the file name, the
// chunk and the message, and that its offset points into the file at a
// chunk header or a record of that chunk.
func checkFormatError(t *testing.T, err error, b []byte, chunk, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	var fe *FormatError
	if !errors.As(err, &fe) || !errors.Is(err, ErrFormat) {
		t.Fatalf("%v: not a *FormatError", err)
	}
	if !strings.HasPrefix(err.Error(), "test.sf2: ") || fe.Chunk != chunk || !strings.Contains(fe.Msg, want) {
		t.Fatalf("error %q (chunk %q), want chunk %q and %q", err, fe.Chunk, chunk, want)
	}
	if fe.Offset < 0 || fe.Offset > int64(len(b)) {
		t.Fatalf("%v: offset %d outside the %d-byte file", err, fe.Offset, len(b))
	}
	// A chunk's error points at its header (its ID is there) or inside it.
	if id := chunk[strings.LastIndex(chunk, "/")+1:]; chunk != "" && chunk != "RIFF" && len(id) == 4 {
		at := bytes.LastIndex(b[:min(int(fe.Offset)+4, len(b))], []byte(id))
		if id == "INFO" || id == "sdta" || id == "pdta" {
			at = bytes.LastIndex(b[:min(int(fe.Offset)+12, len(b))], []byte(id)) - 8
		}
		if at < 0 || at > int(fe.Offset) {
			t.Errorf("%v: offset %d is not at or after the %s chunk", err, fe.Offset, id)
		}
	}
}

func TestOddSizesAndPadding(t *testing.T) {
	w := minimal()
	// Odd-sized chunks are followed by a pad byte; unknown chunks are
	// skipped wherever they are.
	w.info = [][]byte{ck("IXYZ", []byte("odd\x00\x00")), ck("INAM", []byte("Od\x00")), ck("ICMT", []byte("no terminator"))}
	w.extra[pgen] = ck("junk", []byte{1, 2, 3})
	b := w.bytes()
	b = append(b[:8], append([]byte("sfbk"), append(ck("JUNK", []byte{9}), b[12:]...)...)...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	f, err := read(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if f.Info.Name != "Od" || f.Info.Comment != "" || f.Info.Engine != "EMU8000" {
		t.Errorf("info %+v: want INAM \"Od\" and the unterminated ICMT ignored", f.Info)
	}
	// The last chunk of the file may lack its pad byte.
	w = minimal()
	w.tables[shdr] = append(w.tables[shdr], make([]byte, 45)...) // 2 records + 45: not whole, but odd
	b = w.bytes()
	if _, err := read(t, b); err == nil || !strings.Contains(err.Error(), "not a multiple") {
		t.Errorf("odd shdr: %v", err)
	}
}

func TestSm24(t *testing.T) {
	low := make([]byte, 146)
	for i := range low {
		low[i] = byte(i)
	}
	for _, c := range []struct {
		name  string
		minor uint16
		sm24  []byte
		want  bool
	}{
		{"2.04", 4, low, true},
		{"2.01 ignores it", 1, low, false},
		{"wrong size", 4, low[:144], false},
	} {
		w := minimal()
		w.ifil = w16(nil, 2, c.minor)
		w.sm24 = c.sm24
		f := mustRead(t, w)
		if got := f.Data24 != nil; got != c.want {
			t.Errorf("%s: Data24 %v, want %v", c.name, got, c.want)
		} else if got && (len(f.Data24) != len(f.Data) || f.Data24[7] != 7) {
			t.Errorf("%s: %d low bytes for %d points", c.name, len(f.Data24), len(f.Data))
		}
	}
	// An odd number of points: sm24 is half smpl plus a pad byte.
	w := minimal()
	w.smpl = w.smpl[:2*145]
	w.sm24 = low[:145]
	if f := mustRead(t, w); len(f.Data24) != 145 {
		t.Errorf("odd points: %d low bytes, want 145", len(f.Data24))
	}
}

// TestROMSamples: a ROM sample is refused unless the file names its ROM
// (irom and iver, §7.10); then the zones that play it are silent (§5.4).
func TestROMSamples(t *testing.T) {
	w := minimal()
	binary.LittleEndian.PutUint16(w.tables[shdr][44:], 0x8001)
	w.info = append(w.info, ck("irom", []byte("1MGM\x00\x00")), ck("iver", w16(nil, 1, 0)))
	f := mustRead(t, w)
	if f.Info.ROM != "1MGM" || len(f.Regions) != 0 || len(f.Samples) != 1 {
		t.Errorf("ROM %q, %d regions, %d samples: want 1MGM, 0 and 1", f.Info.ROM, len(f.Regions), len(f.Samples))
	}
}
