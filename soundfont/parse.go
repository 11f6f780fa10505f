package soundfont

import (
	"encoding/binary"
	"fmt"
)

func (p *parser) parse() (*Font, error) {
	p.f = &Font{}
	if p.size < 12 {
		return nil, p.errorf("", 0, "%d bytes: too short for a RIFF file", max(p.size, 0))
	}
	b, err := p.read(0, 12)
	if err != nil {
		return nil, err
	}
	if string(b[:4]) != "RIFF" {
		return nil, p.errorf("", 0, "not a RIFF file (it starts with %q)", b[:4])
	}
	riff := chunk{id: "RIFF", off: 0, data: 8, size: int64(le32(b[4:]))}
	if riff.end() > p.size {
		return nil, p.errorf("RIFF", 0, "size %d runs past the end of the file (%d bytes): the file is truncated", riff.size, p.size)
	}
	if riff.size < 4 {
		return nil, p.errorf("RIFF", 0, "size %d is too small for a form type", riff.size)
	}
	if string(b[8:12]) != "sfbk" {
		return nil, p.errorf("RIFF", 8, "form type %q, want \"sfbk\": not a SoundFont", printable(string(b[8:12])))
	}
	kids, err := p.children(riff, "RIFF")
	if err != nil {
		return nil, err
	}
	// The three lists, in this order (§3.2); other chunks are skipped.
	want := []string{"INFO", "sdta", "pdta"}
	var lists [3]chunk
	n := 0
	for _, c := range kids {
		if c.id != "LIST" {
			continue
		}
		if c.size < 4 {
			return nil, p.errorf("LIST", c.off, "size %d is too small for a list type", c.size)
		}
		t, err := p.read(c.data, 4)
		if err != nil {
			return nil, err
		}
		typ := string(t)
		i := -1
		for j, w := range want {
			if typ == w {
				i = j
			}
		}
		if i < 0 {
			continue
		}
		if i != n {
			if i < n {
				return nil, p.errorf(typ, c.off, "a second %s list", typ)
			}
			return nil, p.errorf(typ, c.off, "%s list before the %s list: the order is INFO, sdta, pdta", typ, want[n])
		}
		lists[n] = c
		n++
	}
	if n < 3 {
		return nil, p.errorf("RIFF", 0, "no %s list", want[n])
	}
	if err := p.info(lists[0]); err != nil {
		return nil, err
	}
	if err := p.sdta(lists[1]); err != nil {
		return nil, err
	}
	if err := p.pdta(lists[2]); err != nil {
		return nil, err
	}
	return p.f, nil
}

func (p *parser) info(list chunk) error {
	if list.size > maxInfoBytes {
		return p.errorf("INFO", list.off, "%d bytes: more than the %d an INFO list may have here", list.size, maxInfoBytes)
	}
	kids, err := p.children(list, "INFO")
	if err != nil {
		return err
	}
	in := &p.f.Info
	in.Engine = "EMU8000"
	ifil, irom, iver := false, false, false
	for _, c := range kids {
		b, err := p.read(c.data, c.size)
		if err != nil {
			return err
		}
		switch c.id {
		case "ifil":
			if ifil {
				return p.errorf("INFO/ifil", c.off, "a second ifil chunk")
			}
			if c.size != 4 {
				return p.errorf("INFO/ifil", c.off, "size %d, want 4", c.size)
			}
			in.Major, in.Minor = le16(b), le16(b[2:])
			if in.Major != 2 {
				return p.errorf("INFO/ifil", c.off, "SoundFont version %d.%02d: gridbox reads version 2 files", in.Major, in.Minor)
			}
			ifil = true
		case "isng":
			if s := infoString(b, 256); s != "" {
				in.Engine = s
			}
		case "INAM":
			in.Name = infoString(b, 256)
		case "irom":
			in.ROM = infoString(b, 256)
			irom = in.ROM != ""
		case "iver":
			if c.size == 4 {
				in.ROMMajor, in.ROMMinor = le16(b), le16(b[2:])
				iver = true
			}
		case "ICRD":
			in.Date = infoString(b, 256)
		case "IENG":
			in.Engineers = infoString(b, 256)
		case "IPRD":
			in.Product = infoString(b, 256)
		case "ICOP":
			in.Copyright = infoString(b, 256)
		case "ICMT":
			in.Comment = infoString(b, 65536)
		case "ISFT":
			in.Software = infoString(b, 256)
		}
	}
	if !ifil {
		return p.errorf("INFO", list.off, "no ifil chunk (the SoundFont version)")
	}
	p.rom = irom && iver
	return nil
}

func (p *parser) sdta(list chunk) error {
	kids, err := p.children(list, "sdta")
	if err != nil {
		return err
	}
	var smpl, sm24 *chunk
	for i := range kids {
		c := &kids[i]
		switch c.id {
		case "smpl":
			if smpl != nil {
				return p.errorf("sdta/smpl", c.off, "a second smpl chunk")
			}
			smpl = c
		case "sm24":
			if sm24 != nil {
				return p.errorf("sdta/sm24", c.off, "a second sm24 chunk")
			}
			if smpl == nil {
				return p.errorf("sdta/sm24", c.off, "sm24 before smpl")
			}
			sm24 = c
		}
	}
	if smpl == nil {
		return nil // no RAM samples: every sample header must then be empty
	}
	if smpl.size%2 != 0 {
		return p.errorf("sdta/smpl", smpl.off, "size %d is odd: samples are 16-bit", smpl.size)
	}
	if smpl.size > MaxSampleBytes {
		return p.errorf("sdta/smpl", smpl.off, "%d MiB of samples: more than gridbox's limit of %d MiB", smpl.size>>20, MaxSampleBytes>>20)
	}
	n := smpl.size / 2
	data := make([]int16, n)
	const block = 1 << 20
	var buf []byte // one block, read into again and again (fresh memory costs page faults)
	for done := int64(0); done < n; {
		k := min(n-done, block/2)
		b, err := p.readInto(&buf, smpl.data+2*done, 2*k)
		if err != nil {
			return err
		}
		d := data[done : done+k]
		b = b[:2*len(d)] // one bounds check for the loop
		for i := range d {
			d[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
		}
		done += k
	}
	p.f.Data = data
	// §6.2: sm24 is ignored before 2.04, and when its size is not half
	// smpl's (rounded up to even).
	if sm24 != nil && p.f.Info.Minor >= 4 && (sm24.size == n || sm24.size == n+n%2) {
		b, err := p.read(sm24.data, n)
		if err != nil {
			return err
		}
		p.f.Data24 = b
	}
	return nil
}

// The pdta sub-chunks in their fixed order (§4.2) and record sizes (§7).
var hydra = [9]struct {
	id   string
	size int64
}{{"phdr", 38}, {"pbag", 4}, {"pmod", 10}, {"pgen", 4}, {"inst", 22}, {"ibag", 4}, {"imod", 10}, {"igen", 4}, {"shdr", 46}}

const (
	phdr = iota
	pbag
	pmod
	pgen
	inst
	ibag
	imod
	igen
	shdr
)

// maxRecords bounds every pdta sub-chunk: bag, generator and modulator
// indexes are 16-bit words, so no valid list is longer than 65536 records.
const maxRecords = 1<<16 + 1

// table is one pdta sub-chunk read into memory.
type table struct {
	name string
	off  int64 // file offset of the first record
	size int64 // record size
	b    []byte
}

func (t *table) n() int                 { return len(t.b) / int(t.size) }
func (t *table) rec(i int) []byte       { return t.b[int64(i)*t.size : int64(i+1)*t.size] }
func (t *table) at(i int) int64         { return t.off + int64(i)*t.size }
func (t *table) w(i int, field int) int { return int(le16(t.rec(i)[field:])) }

func (p *parser) pdta(list chunk) error {
	kids, err := p.children(list, "pdta")
	if err != nil {
		return err
	}
	var t [9]table
	next := 0
	for _, c := range kids {
		k := -1
		for i, h := range hydra {
			if c.id == h.id {
				k = i
			}
		}
		if k < 0 {
			continue // unknown sub-chunks are skipped
		}
		name := "pdta/" + c.id
		if k != next {
			if k < next {
				return p.errorf(name, c.off, "a second %s chunk, or out of order (phdr pbag pmod pgen inst ibag imod igen shdr)", c.id)
			}
			return p.errorf(name, c.off, "%s before %s: the order is phdr pbag pmod pgen inst ibag imod igen shdr", c.id, hydra[next].id)
		}
		h := hydra[k]
		if c.size%h.size != 0 {
			return p.errorf(name, c.off, "size %d is not a multiple of the %d-byte record", c.size, h.size)
		}
		if c.size/h.size > maxRecords {
			return p.errorf(name, c.off, "%d records: more than 16-bit indexes can reach", c.size/h.size)
		}
		b, err := p.read(c.data, c.size)
		if err != nil {
			return err
		}
		t[k] = table{name: name, off: c.data, size: h.size, b: b}
		next++
	}
	if next < 9 {
		return p.errorf("pdta", list.off, "no %s chunk", hydra[next].id)
	}
	for _, k := range []int{phdr, inst} {
		if t[k].n() < 2 {
			return p.errorf(t[k].name, t[k].off-8, "%d records: at least one and the terminal record are needed", t[k].n())
		}
	}
	for _, k := range []int{pbag, pmod, pgen, ibag, imod, igen, shdr} {
		if t[k].n() < 1 {
			return p.errorf(t[k].name, t[k].off-8, "empty: the terminal record is missing")
		}
	}
	// The index chains: headers → bags → generators and modulators, each
	// monotonic, each terminal record matching the next table's size.
	if err := p.chain(&t[phdr], 24, &t[pbag], "preset", "zone"); err != nil {
		return err
	}
	if err := p.chain(&t[pbag], 0, &t[pgen], "preset zone", "generator"); err != nil {
		return err
	}
	if err := p.chain(&t[pbag], 2, &t[pmod], "preset zone", "modulator"); err != nil {
		return err
	}
	if err := p.chain(&t[inst], 20, &t[ibag], "instrument", "zone"); err != nil {
		return err
	}
	if err := p.chain(&t[ibag], 0, &t[igen], "instrument zone", "generator"); err != nil {
		return err
	}
	if err := p.chain(&t[ibag], 2, &t[imod], "instrument zone", "modulator"); err != nil {
		return err
	}
	if err := p.samples(&t[shdr]); err != nil {
		return err
	}
	return p.resolve(&t)
}

// chain checks that the 16-bit index at field in each record of from never
// decreases and that the terminal record's index is the last record of to.
func (p *parser) chain(from *table, field int, to *table, what, of string) error {
	n := from.n()
	for i := 1; i < n; i++ {
		if a, b := from.w(i-1, field), from.w(i, field); b < a {
			return p.errorf(from.name, from.at(i), "%s %d's %s index %d is below the previous one's %d: indexes must not decrease", what, i, of, b, a)
		}
	}
	if last := from.w(n-1, field); last != to.n()-1 {
		return p.errorf(from.name, from.at(n-1), "the terminal %s's %s index is %d, but %s holds %d records (want %d)", what, of, last, to.name, to.n(), to.n()-1)
	}
	return nil
}

func (p *parser) samples(t *table) error {
	n := t.n() - 1
	p.f.Samples = make([]Sample, n)
	points := int64(len(p.f.Data))
	for i := range n {
		b := t.rec(i)
		s := Sample{
			Name:       zstr(b[:20]),
			Start:      le32(b[20:]),
			End:        le32(b[24:]),
			LoopStart:  le32(b[28:]),
			LoopEnd:    le32(b[32:]),
			Rate:       le32(b[36:]),
			Correction: int8(b[41]),
			Link:       int32(le16(b[42:])),
			Type:       SampleType(le16(b[44:])),
		}
		what := fmt.Sprintf("sample %d %q", i, s.Name)
		if s.Type&0x8000 != 0 {
			if !p.rom {
				return p.errorf(t.name, t.at(i), "%s is a ROM sample (type %#x) and the file names no ROM (irom, iver): structurally defective", what, uint16(s.Type))
			}
			// Kept so indexes hold; its zones are left silent (§5.4).
		}
		switch s.Type &^ 0x8000 {
		case Mono, Linked:
			s.Link = -1
		case Left, Right:
			if int(s.Link) >= n || int(s.Link) == i {
				return p.errorf(t.name, t.at(i), "%s links to sample %d, which is not another sample (%d samples)", what, s.Link, n)
			}
		default:
			return p.errorf(t.name, t.at(i), "%s has type %#x: want 1 (mono), 2 (right), 4 (left) or 8 (linked)", what, uint16(s.Type))
		}
		if s.Type&0x8000 == 0 {
			if int64(s.End) > points {
				return p.errorf(t.name, t.at(i), "%s ends at point %d, past smpl's %d points", what, s.End, points)
			}
			if s.Start > s.End {
				return p.errorf(t.name, t.at(i), "%s starts at point %d, after its end %d", what, s.Start, s.End)
			}
			if int64(s.LoopStart) > points || int64(s.LoopEnd) > points {
				return p.errorf(t.name, t.at(i), "%s loops from %d to %d, outside smpl's %d points", what, s.LoopStart, s.LoopEnd, points)
			}
		}
		// §7.10: an impractical rate becomes the nearest practical one;
		// 255 or an illegal key becomes 60.
		s.Rate = min(max(s.Rate, 400), 192000)
		if k := b[40]; k <= 127 {
			s.OriginalKey = k
		} else {
			s.OriginalKey = 60
		}
		p.f.Samples[i] = s
	}
	return nil
}

// A zone is one bag's generators and modulators as §7.3-7.9 read them.
type zone struct {
	gen    [NumGens]int32
	set    [NumGens]bool
	keyLo  uint8
	keyHi  uint8
	velLo  uint8
	velHi  uint8
	hasKey bool
	hasVel bool
	index  int32 // the instrument or sample; -1: no terminal generator
	at     int   // the terminal generator's record
	mods   []Modulator
}

// readZone reads bag z of a level whose terminal generator is term
// (Instrument for presets, SampleID for instruments). Range generators
// count only first (keyRange) or after keyRange (velRange); generators
// after the terminal one are ignored; of two with the same number the
// later counts; generators the level may not hold are ignored.
func readZone(bags, gens, mods *table, z int, term Gen, work *int64) zone {
	zn := zone{index: -1, keyHi: 127, velHi: 127}
	instLevel := term == SampleID
	g0, g1 := bags.w(z, 0), bags.w(z+1, 0)
	for j := g0; j < g1; j++ {
		r := gens.rec(j)
		op, amt := Gen(le16(r)), int32(int16(le16(r[2:])))
		switch {
		case op == term:
			zn.index, zn.at = int32(le16(r[2:])), j
		case op == KeyRange:
			if j == g0 {
				zn.keyLo, zn.keyHi, zn.hasKey = min(r[2], 127), min(r[3], 127), true
			}
		case op == VelRange:
			if j == g0 || j == g0+1 && Gen(le16(gens.rec(g0))) == KeyRange {
				zn.velLo, zn.velHi, zn.hasVel = min(r[2], 127), min(r[3], 127), true
			}
		case instLevel && atInstrumentLevel(op) || !instLevel && atPresetLevel(op):
			zn.gen[op], zn.set[op] = amt, true
		}
		if zn.index >= 0 {
			break
		}
	}
	m0, m1 := bags.w(z, 2), bags.w(z+1, 2)
	for j := m0; j < m1; j++ {
		m, ok := readMod(mods.rec(j))
		if !ok {
			continue
		}
		// §7.4: of two with the same source, destination and amount
		// source in one zone, the first is ignored.
		dup := false
		*work += int64(len(zn.mods))
		for k := range zn.mods {
			if o := zn.mods[k]; o.Src == m.Src && o.Dest == m.Dest && o.AmtSrc == m.AmtSrc {
				zn.mods[k], dup = m, true
			}
		}
		if !dup {
			zn.mods = append(zn.mods, m)
		}
	}
	return zn
}

// zones reads the zones of header h (a preset or instrument): the global
// zone (index -1) if its first zone lacks the terminal generator and more
// follow, and the zones that end in it. Other zones are ignored (§7.3).
func zones(hdr, bags, gens, mods *table, h, bagField int, term Gen, work *int64) (global *zone, local []zone) {
	b0, b1 := hdr.w(h, bagField), hdr.w(h+1, bagField)
	for z := b0; z < b1; z++ {
		zn := readZone(bags, gens, mods, z, term, work)
		switch {
		case zn.index >= 0:
			local = append(local, zn)
		case z == b0 && b1-b0 > 1:
			global = &zn
		}
	}
	return global, local
}

// resolve builds the regions: each preset zone over each zone of its
// instrument, generators added and modulators merged as §8.5 and §9.5.1
// say.
func (p *parser) resolve(t *[9]table) error {
	f := p.f
	// work counts modulator comparisons: merging is quadratic in a zone's
	// modulators, which the format does not bound, so a hostile file could
	// otherwise keep Read busy for minutes.
	var work int64
	tooMuch := func() error {
		if work > maxModWork {
			return p.errorf("pdta", t[phdr].off-8, "modulators: more than gridbox's limit of %d comparisons to merge them", maxModWork)
		}
		return nil
	}
	nInst := t[inst].n() - 1
	f.Instruments = make([]string, nInst)
	type izone struct {
		zone
		merged []Modulator // defaults, then global, then local, replacing the same
	}
	izones := make([][]izone, nInst)
	for i := range nInst {
		f.Instruments[i] = zstr(t[inst].rec(i)[:20])
		global, local := zones(&t[inst], &t[ibag], &t[igen], &t[imod], i, 20, SampleID, &work)
		for _, z := range local {
			if int(z.index) >= len(f.Samples) {
				return p.errorf("pdta/igen", t[igen].at(z.at), "instrument %d %q: sampleID %d, but the file has %d samples", i, f.Instruments[i], z.index, len(f.Samples))
			}
			if f.Samples[z.index].Type&0x8000 != 0 {
				continue // a ROM sample: not played (§5.4)
			}
			iz := izone{zone: z}
			iz.gen = defaultGens()
			iz.merged = append([]Modulator(nil), defaultMods[:]...)
			if global != nil {
				apply(&iz.zone, global)
				iz.merged = replaceMods(iz.merged, global.mods, &work)
			}
			apply(&iz.zone, &z)
			iz.merged = replaceMods(iz.merged, z.mods, &work)
			izones[i] = append(izones[i], iz)
		}
		if err := tooMuch(); err != nil {
			return err
		}
	}

	nPre := t[phdr].n() - 1
	f.Presets = make([]Preset, nPre)
	f.programs = make(map[uint32]int32)
	type pzone struct {
		zone
		merged []Modulator // global, then local, replacing the same
	}
	pzones := make([][]pzone, nPre)
	total := 0
	for i := range nPre {
		r := t[phdr].rec(i)
		pr := &f.Presets[i]
		pr.Name, pr.Program, pr.Bank = zstr(r[:20]), le16(r[20:]), le16(r[22:])
		global, local := zones(&t[phdr], &t[pbag], &t[pgen], &t[pmod], i, 24, Instrument, &work)
		for _, z := range local {
			if int(z.index) >= nInst {
				return p.errorf("pdta/pgen", t[pgen].at(z.at), "preset %d %q: instrument %d, but the file has %d instruments", i, pr.Name, z.index, nInst)
			}
			pz := pzone{zone: z}
			pz.gen = [NumGens]int32{}
			pz.set = [NumGens]bool{}
			var gm []Modulator
			if global != nil {
				apply(&pz.zone, global)
				gm = global.mods
			}
			apply(&pz.zone, &z)
			pz.merged = replaceMods(append([]Modulator(nil), gm...), z.mods, &work)
			pzones[i] = append(pzones[i], pz)
			total += len(izones[z.index])
		}
		if err := tooMuch(); err != nil {
			return err
		}
		if pr.Bank <= 128 && pr.Program <= 127 {
			if _, dup := f.programs[uint32(pr.Bank)<<8|uint32(pr.Program)]; !dup {
				f.programs[uint32(pr.Bank)<<8|uint32(pr.Program)] = int32(i)
			}
		}
	}
	if total > MaxRegions {
		return p.errorf("pdta", t[phdr].off-8, "%d regions (preset zones × instrument zones): more than gridbox's limit of %d", total, MaxRegions)
	}

	f.Regions = make([]Region, 0, total)
	lists := map[string][2]int32{}
	var key []byte
	var mods []Modulator
	for i := range nPre {
		f.Presets[i].First = int32(len(f.Regions))
		for _, pz := range pzones[i] {
			for _, iz := range izones[pz.index] {
				r := Region{
					KeyLo: max(pz.keyLo, iz.keyLo), KeyHi: min(pz.keyHi, iz.keyHi),
					VelLo: max(pz.velLo, iz.velLo), VelHi: min(pz.velHi, iz.velHi),
					Sample: iz.index, Instrument: pz.index,
				}
				if r.KeyLo > r.KeyHi || r.VelLo > r.VelHi {
					continue
				}
				r.Gen = iz.gen
				for g := range NumGens {
					if pz.set[g] {
						r.Gen[g] += pz.gen[g]
					}
				}
				p.place(&r)
				// Preset modulators add to the same instrument ones, or join them.
				mods = append(mods[:0], iz.merged...)
				work += int64(len(pz.merged) * len(mods))
				for _, m := range pz.merged {
					found := false
					for k := range mods {
						if mods[k].same(m) {
							mods[k].Amount += m.Amount
							found = true
						}
					}
					if !found {
						mods = append(mods, m)
					}
				}
				key = modKey(key[:0], mods)
				span, ok := lists[string(key)]
				if !ok {
					span = [2]int32{int32(len(f.Modulators)), int32(len(f.Modulators) + len(mods))}
					f.Modulators = append(f.Modulators, mods...)
					lists[string(key)] = span
				}
				r.ModFirst, r.ModEnd = span[0], span[1]
				f.Regions = append(f.Regions, r)
				if err := tooMuch(); err != nil {
					return err
				}
			}
		}
		f.Presets[i].End = int32(len(f.Regions))
	}
	return nil
}

// apply sets in dst every generator and range src sets (a local zone over
// its global zone, or a zone over the defaults).
func apply(dst, src *zone) {
	for g := range NumGens {
		if src.set[g] {
			dst.gen[g], dst.set[g] = src.gen[g], true
		}
	}
	if src.hasKey {
		dst.keyLo, dst.keyHi, dst.hasKey = src.keyLo, src.keyHi, true
	}
	if src.hasVel {
		dst.velLo, dst.velHi, dst.hasVel = src.velLo, src.velHi, true
	}
}

// replaceMods puts each of add into list, replacing the same modulator
// (§9.5.1: a local zone's supersedes its global zone's or a default).
func replaceMods(list, add []Modulator, work *int64) []Modulator {
	*work += int64(len(list) * len(add))
	for _, m := range add {
		found := false
		for k := range list {
			if list[k].same(m) {
				list[k], found = m, true
			}
		}
		if !found {
			list = append(list, m)
		}
	}
	return list
}

func modKey(b []byte, mods []Modulator) []byte {
	for _, m := range mods {
		b = binary.LittleEndian.AppendUint16(b, uint16(m.Src))
		b = binary.LittleEndian.AppendUint16(b, uint16(m.Dest))
		b = binary.LittleEndian.AppendUint32(b, uint32(m.Amount))
		b = binary.LittleEndian.AppendUint16(b, uint16(m.AmtSrc))
		b = binary.LittleEndian.AppendUint16(b, m.Transform)
	}
	return b
}

// place resolves a region's sample positions, loop mode and the
// instrument-only generators into its fields.
func (p *parser) place(r *Region) {
	s := &p.f.Samples[r.Sample]
	g := &r.Gen
	off := func(fine, coarse Gen) int64 { return int64(g[fine]) + 32768*int64(g[coarse]) }
	clamp := func(v, lo, hi int64) uint32 { return uint32(min(max(v, lo), hi)) }
	lo, hi := int64(s.Start), int64(s.End)
	r.Start = clamp(lo+off(StartAddrsOffset, StartAddrsCoarseOffset), lo, hi)
	r.End = clamp(hi+off(EndAddrsOffset, EndAddrsCoarseOffset), int64(r.Start), hi)
	r.LoopStart = clamp(int64(s.LoopStart)+off(StartloopAddrsOffset, StartloopAddrsCoarseOffset), int64(r.Start), int64(r.End))
	r.LoopEnd = clamp(int64(s.LoopEnd)+off(EndloopAddrsOffset, EndloopAddrsCoarseOffset), int64(r.LoopStart), int64(r.End))
	switch g[SampleModes] & 3 {
	case 1:
		r.Loop = LoopContinuous
	case 3:
		r.Loop = LoopRelease
	}
	if r.LoopEnd <= r.LoopStart {
		r.Loop = NoLoop
	}
	r.RootKey = s.OriginalKey
	if k := g[OverridingRootKey]; k >= 0 && k <= 127 {
		r.RootKey = uint8(k)
	}
	r.Key, r.Velocity = -1, -1
	if k := g[Keynum]; k >= 0 && k <= 127 {
		r.Key = int8(k)
	}
	if v := g[Velocity]; v >= 1 && v <= 127 {
		r.Velocity = int8(v)
	}
	if c := g[ExclusiveClass]; c > 0 && c <= 127 {
		r.ExclusiveClass = uint8(c)
	}
}
