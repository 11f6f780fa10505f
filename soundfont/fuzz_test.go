package soundfont

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzRead feeds Read arbitrary bytes: it must return a font that holds
// together or a *FormatError naming the file, and never panic. Seeds: the
// fonts the tests build, and the real fonts when installed.
func FuzzRead(f *testing.F) {
	stereo := build([]tpreset{
		{name: "Global", zones: []tzone{
			{gens: []tgen{{KeyRange, rng(20, 100)}, {Pan, amt(100)}}, mods: []Modulator{{Src: SrcCC | 1, Dest: Pan, Amount: 10}}},
			{gens: []tgen{{VelRange, rng(1, 64)}, {Instrument, 0}}},
			{gens: []tgen{{Instrument, 1}}},
		}},
		{name: "Drums", bank: 128, zones: []tzone{{gens: []tgen{{Instrument, 1}}}}},
	}, []tinst{
		{name: "Stereo", zones: []tzone{
			{gens: []tgen{{AttackVolEnv, amt(-1000)}}, mods: []Modulator{defaultMods[0]}},
			{gens: []tgen{{Pan, amt(-500)}, {SampleID, 0}}},
			{gens: []tgen{{Pan, amt(500)}, {SampleModes, 1}, {StartloopAddrsOffset, 3}, {SampleID, 1}}},
		}},
		{name: "Mono", zones: []tzone{{gens: []tgen{{KeyRange, rng(36, 36)}, {ExclusiveClass, 1}, {SampleID, 2}}}}},
	}, []tsample{
		{name: "L", start: 0, end: 100, lstart: 20, lend: 80, rate: 44100, key: 60, link: 1, typ: uint16(Left)},
		{name: "R", start: 146, end: 246, lstart: 166, lend: 226, rate: 44100, key: 60, link: 0, typ: uint16(Right)},
		sine,
	}, 292)
	stereo.sm24 = make([]byte, 292)
	for _, w := range []*sfw{minimal(), stereo} {
		b := w.bytes()
		if _, err := Read(bytes.NewReader(b), int64(len(b)), "seed.sf2"); err != nil {
			f.Fatalf("a seed does not read: %v", err)
		}
		f.Add(b)
	}
	for _, path := range []string{timGM, defaultGM} {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(b)
		} else {
			f.Logf("seed %s not added: %v", path, err)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		font, err := Read(bytes.NewReader(b), int64(len(b)), "fuzz.sf2")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "fuzz.sf2: ") || fe.Offset < 0 || fe.Offset > int64(len(b)) {
				t.Fatalf("error %v: want a *FormatError naming fuzz.sf2 with an offset in the file", err)
			}
			return
		}
		checkFont(t, font)
	})
}
