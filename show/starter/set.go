package starter

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A small model of the set file, just enough to write one. The sets package
// owns the format and its parser; these types exist so the demo's music can
// be written as Go data (computed note patterns) and printed as TOML with
// comments. Keys with their default value are left out.

type setFile struct {
	header      string // comment lines at the top, without "# "
	name        string
	tempo       float64
	quantize    string
	scale       string // the note modes' key; "" = the default (C major)
	scenes      []scene
	tracks      []track
	instruments []instrument
}

type scene struct {
	name  string
	tempo float64 // 0: no tempo key
}

type track struct {
	name, color string
	volume, pan float64
	instrument  string
	clips       []clip
}

type clip struct {
	comment  string // a comment line above the clip
	scene    int
	name     string
	sample   string // audio clip; "" for a note clip
	loop     bool
	length   string
	gain     float64
	launch   string // "" = trigger
	quantize string // "" = the set's
	legato   bool
	follow   *follow
	notes    []note
}

type follow struct {
	after, action string
	chance        float64
	other         string
}

type note struct {
	at  float64 // beats from the start of the clip
	key int
	len float64 // beats
	vel int
}

type instrument struct {
	comment string
	name    string
	zones   []zone
}

type zone struct {
	key             int // a single-key zone when low == high == 0
	low, high, root int
	sample          string
	gain            float64
	gate            bool
}

// num formats a float so TOML reads it as a float: 120.0, 0.25, -6.0.
func num(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

func (s *setFile) toml() []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	for _, l := range strings.Split(s.header, "\n") {
		if l == "" {
			w("#\n")
		} else {
			w("# %s\n", l)
		}
	}
	w("\nname = %q\ntempo = %s\ntime_signature = [4, 4]\nquantize = %q\n", s.name, num(s.tempo), s.quantize)
	if s.scale != "" {
		w("scale = %q\n", s.scale)
	}
	for _, sc := range s.scenes {
		w("\n[[scene]]\nname = %q\n", sc.name)
		if sc.tempo != 0 {
			w("tempo = %s\n", num(sc.tempo))
		}
	}
	for _, t := range s.tracks {
		w("\n[[track]]\nname = %q\ncolor = %q\nvolume = %s\npan = %s\n", t.name, t.color, num(t.volume), num(t.pan))
		if t.instrument != "" {
			w("instrument = %q\n", t.instrument)
		}
		for _, c := range t.clips {
			w("\n")
			if c.comment != "" {
				w("  # %s\n", c.comment)
			}
			w("  [[track.clip]]\n  scene = %d\n  name = %q\n", c.scene, c.name)
			if c.sample != "" {
				w("  sample = %q\n", c.sample)
			}
			w("  loop = %t\n  length = %q\n", c.loop, c.length)
			if c.gain != 0 {
				w("  gain = %s\n", num(c.gain))
			}
			if c.launch != "" {
				w("  launch = %q\n", c.launch)
			}
			if c.quantize != "" {
				w("  quantize = %q\n", c.quantize)
			}
			if c.legato {
				w("  legato = true\n")
			}
			if f := c.follow; f != nil {
				w("  follow = { after = %q, action = %q, chance = %s", f.after, f.action, num(f.chance))
				if f.other != "" {
					w(", other = %q", f.other)
				}
				w(" }\n")
			}
			if c.sample == "" {
				notes := slices.Clone(c.notes)
				slices.SortStableFunc(notes, func(a, b note) int { return cmp.Compare(a.at, b.at) })
				w("  notes = [\n")
				for _, n := range notes {
					w("    { at = %s, key = %d, len = %s, vel = %d },\n", num(n.at), n.key, num(n.len), n.vel)
				}
				w("  ]\n")
			}
		}
	}
	for _, in := range s.instruments {
		w("\n")
		if in.comment != "" {
			w("# %s\n", in.comment)
		}
		w("[[instrument]]\nname = %q\nkind = \"sampler\"\n", in.name)
		for _, z := range in.zones {
			w("  [[instrument.zone]]\n")
			if z.low == 0 && z.high == 0 {
				w("  key = %d\n", z.key)
			} else {
				w("  low = %d\n  high = %d\n  root = %d\n", z.low, z.high, z.root)
			}
			w("  sample = %q\n", z.sample)
			if z.gain != 0 {
				w("  gain = %s\n", num(z.gain))
			}
			if z.gate {
				w("  gate = true\n")
			}
		}
	}
	return []byte(b.String())
}
