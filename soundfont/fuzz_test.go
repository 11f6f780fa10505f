package soundfont

import (
	"bytes"
	"encoding/binary"
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
	// The real fonts' INFO and pdta with their samples moved into a small
	// smpl: megabytes of sample data would only slow the fuzzer down.
	for _, path := range []string{timGM, defaultGM} {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Logf("seed %s not added: %v", path, err)
			continue
		}
		w, err := shrink(b)
		if err != nil {
			f.Fatalf("%s: %v", path, err)
		}
		seed := w.bytes()
		if _, err := Read(bytes.NewReader(seed), int64(len(seed)), "seed.sf2"); err != nil {
			f.Fatalf("%s shrunk does not read: %v", path, err)
		}
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzRead(t, b)
		// Most mutations change the length, which the RIFF size then
		// contradicts: try again with the size fixed, to reach the chunks.
		if len(b) >= 12 && string(b[:4]) == "RIFF" && le32(b[4:]) != uint32(len(b)-8) {
			c := append([]byte(nil), b...)
			binary.LittleEndian.PutUint32(c[4:], uint32(len(c)-8))
			fuzzRead(t, c)
		}
	})
}

func fuzzRead(t *testing.T, b []byte) {
	font, err := Read(bytes.NewReader(b), int64(len(b)), "fuzz.sf2")
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "fuzz.sf2: ") || fe.Offset < 0 || fe.Offset > int64(len(b)) {
			t.Fatalf("error %v: want a *FormatError naming fuzz.sf2 with an offset in the file", err)
		}
		return
	}
	checkFont(t, font)
}

// shrink rewrites a font with a 146-point smpl, every sample header
// pointing at it (0..100, loop 20..80).
func shrink(b []byte) (*sfw, error) {
	p := &parser{r: bytes.NewReader(b), size: int64(len(b)), name: "seed"}
	riff := chunk{id: "RIFF", data: 8, size: int64(le32(b[4:]))}
	top, err := p.children(riff, "RIFF")
	if err != nil {
		return nil, err
	}
	w := &sfw{smpl: make([]byte, 2*146)}
	for _, l := range top {
		kids, err := p.children(l, "LIST")
		if err != nil {
			return nil, err
		}
		for _, c := range kids {
			data := b[c.data:c.end()]
			switch typ := string(b[l.data : l.data+4]); {
			case typ == "INFO" && c.id == "ifil":
				w.ifil = data
			case typ == "INFO":
				w.info = append(w.info, ck(c.id, data))
			case typ == "pdta":
				for k, h := range hydra {
					if h.id == c.id {
						w.tables[k] = append([]byte(nil), data...)
					}
				}
			}
		}
	}
	sh := w.tables[shdr]
	for at := 0; at+46 <= len(sh); at += 46 {
		copy(sh[at+20:], w32(nil, 0, 100, 20, 80))
	}
	return w, nil
}
