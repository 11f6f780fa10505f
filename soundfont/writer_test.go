package soundfont

import (
	"bytes"
	"encoding/binary"
)

// A tiny SoundFont writer for tests: tables are raw record bytes, so a
// test can break any one of them.

type sfw struct {
	ifil   []byte   // nil: no ifil chunk
	info   [][]byte // further INFO chunks, whole
	smpl   []byte   // nil: no smpl chunk
	sm24   []byte
	tables [9][]byte
	extra  [9][]byte // bytes (whole chunks) written before table k
	order  []int     // table order; nil: hydra order
	lists  []string  // top-level list order; nil: INFO sdta pdta
}

func ck(id string, data []byte) []byte {
	b := append([]byte(id), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(data)))
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

func list(typ string, kids ...[]byte) []byte {
	return ck("LIST", append([]byte(typ), bytes.Join(kids, nil)...))
}

func (w *sfw) bytes() []byte {
	var info [][]byte
	if w.ifil != nil {
		info = append(info, ck("ifil", w.ifil))
	}
	info = append(info, w.info...)
	var sdta [][]byte
	if w.smpl != nil {
		sdta = append(sdta, ck("smpl", w.smpl))
	}
	if w.sm24 != nil {
		sdta = append(sdta, ck("sm24", w.sm24))
	}
	order := w.order
	if order == nil {
		order = []int{0, 1, 2, 3, 4, 5, 6, 7, 8}
	}
	var pdta [][]byte
	for _, k := range order {
		pdta = append(pdta, w.extra[k])
		pdta = append(pdta, ck(hydra[k].id, w.tables[k]))
	}
	lists := map[string][]byte{"INFO": list("INFO", info...), "sdta": list("sdta", sdta...), "pdta": list("pdta", pdta...)}
	names := w.lists
	if names == nil {
		names = []string{"INFO", "sdta", "pdta"}
	}
	var body [][]byte
	for _, n := range names {
		body = append(body, lists[n])
	}
	return ck("RIFF", append([]byte("sfbk"), bytes.Join(body, nil)...))
}

func w16(b []byte, v ...uint16) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}

func w32(b []byte, v ...uint32) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

func name20(s string) []byte {
	b := make([]byte, 20)
	copy(b, s)
	return b
}

// tgen is a generator record; rng makes a range amount.
type tgen struct {
	op  Gen
	amt uint16
}

func rng(lo, hi uint8) uint16 { return uint16(lo) | uint16(hi)<<8 }
func amt(v int16) uint16      { return uint16(v) }

type tzone struct {
	gens []tgen
	mods []Modulator
}

type tpreset struct {
	name          string
	bank, program uint16
	zones         []tzone
}

type tinst struct {
	name  string
	zones []tzone
}

type tsample struct {
	name                     string
	start, end, lstart, lend uint32
	rate                     uint32
	key                      uint8
	corr                     int8
	link, typ                uint16
}

// build writes a well-formed font (version 2.04) of the given parts with
// smpl holding points sample points.
func build(presets []tpreset, insts []tinst, samples []tsample, points int) *sfw {
	w := &sfw{ifil: w16(nil, 2, 4), info: [][]byte{ck("isng", []byte("EMU8000\x00")), ck("INAM", []byte("Test\x00"))}}
	w.smpl = make([]byte, 2*points)
	for i := range points {
		binary.LittleEndian.PutUint16(w.smpl[2*i:], uint16(int16(i*37%2000-1000)))
	}
	zonesOut := func(hdr, bag, mod, gen int, names []string, zs [][]tzone, extra func(i int) []byte) {
		nb, ng, nm := 0, 0, 0
		for i, z := range zs {
			if hdr == phdr {
				w.tables[hdr] = append(w.tables[hdr], extra(i)...)
				w.tables[hdr] = w16(w.tables[hdr], uint16(nb))
				w.tables[hdr] = w32(w.tables[hdr], 0, 0, 0)
			} else {
				w.tables[hdr] = append(w.tables[hdr], name20(names[i])...)
				w.tables[hdr] = w16(w.tables[hdr], uint16(nb))
			}
			for _, zn := range z {
				w.tables[bag] = w16(w.tables[bag], uint16(ng), uint16(nm))
				nb++
				for _, g := range zn.gens {
					w.tables[gen] = w16(w.tables[gen], uint16(g.op), g.amt)
					ng++
				}
				for _, m := range zn.mods {
					w.tables[mod] = w16(w.tables[mod], uint16(m.Src), uint16(m.Dest), uint16(int16(m.Amount)), uint16(m.AmtSrc), m.Transform)
					nm++
				}
			}
		}
		if hdr == phdr {
			w.tables[hdr] = append(w.tables[hdr], name20("EOP")...)
			w.tables[hdr] = w16(w.tables[hdr], 0, 0, uint16(nb))
			w.tables[hdr] = w32(w.tables[hdr], 0, 0, 0)
		} else {
			w.tables[hdr] = append(w.tables[hdr], name20("EOI")...)
			w.tables[hdr] = w16(w.tables[hdr], uint16(nb))
		}
		w.tables[bag] = w16(w.tables[bag], uint16(ng), uint16(nm))
		w.tables[gen] = w16(w.tables[gen], 0, 0)
		w.tables[mod] = w16(w.tables[mod], 0, 0, 0, 0, 0)
	}
	var pz [][]tzone
	for _, p := range presets {
		pz = append(pz, p.zones)
	}
	zonesOut(phdr, pbag, pmod, pgen, nil, pz, func(i int) []byte {
		return w16(name20(presets[i].name), presets[i].program, presets[i].bank)
	})
	var iz [][]tzone
	var in []string
	for _, s := range insts {
		iz = append(iz, s.zones)
		in = append(in, s.name)
	}
	zonesOut(inst, ibag, imod, igen, in, iz, nil)
	for _, s := range samples {
		b := name20(s.name)
		b = w32(b, s.start, s.end, s.lstart, s.lend, s.rate)
		b = append(b, s.key, byte(s.corr))
		b = w16(b, s.link, s.typ)
		w.tables[shdr] = append(w.tables[shdr], b...)
	}
	w.tables[shdr] = append(w.tables[shdr], make([]byte, 46)...)
	copy(w.tables[shdr][len(w.tables[shdr])-46:], "EOS")
	return w
}

// sine is a 100-point mono sample at 44.1 kHz, key 60, looped 20..80, in
// a smpl of 146 points (the 46 zeros after it).
var sine = tsample{name: "Sine", start: 0, end: 100, lstart: 20, lend: 80, rate: 44100, key: 60, typ: uint16(Mono)}

// minimal is one preset (bank 0, program 0) of one zone playing one
// instrument of one zone playing sine.
func minimal() *sfw {
	return build(
		[]tpreset{{name: "Piano", zones: []tzone{{gens: []tgen{{Instrument, 0}}}}}},
		[]tinst{{name: "Inst", zones: []tzone{{gens: []tgen{{SampleID, 0}}}}}},
		[]tsample{sine}, 146)
}
