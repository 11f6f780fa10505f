package starter

// The demo set: a one-minute house groove in A minor at 120 BPM. Every note
// clip and audio loop follows the same four-bar progression, one chord per
// bar, and every scene starts on a four-bar boundary in demo.perf, so any
// clip can be launched against any other.
//
//	bar:    1    2    3    4
//	chord:  Am   F    C    G
//	bass:   A1   F1   C2   G1

// Track columns and scene rows of the demo grid.
const (
	trDrums = iota
	trBass
	trChords
	trLead
	trPerc
	trTexture
	demoTracks
)

const (
	scIntro = iota
	scGroove
	scBuild
	scDrop
	scBreak
	scOutro
	demoScenes
)

// Drum kit keys (General MIDI).
const (
	kKick   = 36
	kSnare  = 38
	kClap   = 39
	kClosed = 42
	kOpen   = 46
)

var (
	bassRoots = [4]int{33, 29, 36, 31} // A1 F1 C2 G1
	triads    = [4][]int{{57, 60, 64}, {57, 60, 65}, {55, 60, 64}, {55, 59, 62}}
	pads      = [4][]int{{55, 60, 64, 69}, {53, 57, 60, 64}, {55, 60, 64, 67}, {55, 59, 62, 67}} // Am7 Fmaj7 C G
	arpTones  = [4][]int{{69, 72, 76, 81}, {69, 72, 77, 81}, {67, 72, 76, 79}, {67, 71, 74, 79}}
)

// demoSamples are the files under samples/, with the function that makes each.
var demoSamples = []struct {
	name string
	make func() []float64
}{
	{"kick.wav", kick},
	{"snare.wav", snare},
	{"clap.wav", clap},
	{"hat-closed.wav", closedHat},
	{"hat-open.wav", openHat},
	{"bass-a1.wav", func() []float64 { return bass(33) }},
	{"bass-g2.wav", func() []float64 { return bass(43) }},
	{"keys-a3.wav", func() []float64 { return keys(57) }},
	{"lead-a4.wav", func() []float64 { return lead(69) }},
	{"perc-shaker.wav", shakerLoop},
	{"perc-congas.wav", congaLoop},
	{"perc-drop.wav", dropPercLoop},
	{"tex-drone.wav", drone},
	{"tex-riser.wav", riser},
	{"tex-impact.wav", impact},
}

// notes builds a note list; each pattern function is called once per bar of
// the four-bar progression with the bar's index (0..3).
func perBar(bars int, f func(bar int, add func(at float64, key int, length float64, vel int))) []note {
	var ns []note
	for b := range bars {
		f(b, func(at float64, key int, length float64, vel int) {
			ns = append(ns, note{at: float64(4*b) + float64(at), key: key, len: length, vel: vel})
		})
	}
	return ns
}

// ramp returns the velocity i/n of the way from lo to hi.
func ramp(lo, hi, i, n int) int { return lo + (hi-lo)*i/n }

func drumIntro() []note {
	return perBar(1, func(_ int, add func(float64, int, float64, int)) {
		for q := range 4 {
			add(float64(q), kKick, 0.25, 100)
			add(float64(q)+0.5, kClosed, 0.25, 70)
		}
	})
}

func drumGroove() []note {
	return perBar(1, func(_ int, add func(float64, int, float64, int)) {
		for q := range 4 {
			at := float64(q)
			add(at, kKick, 0.25, 115)
			add(at+0.25, kClosed, 0.25, 50)
			add(at+0.5, kOpen, 0.25, 80)
			add(at+0.75, kClosed, 0.25, 60)
			if q%2 == 1 {
				add(at, kClap, 0.25, 105)
			}
		}
		add(3.75, kSnare, 0.25, 40)
	})
}

// drumBuild is four bars that tighten: hats, then snare eighths, then a
// sixteenth roll rising to full velocity with the kick gone.
func drumBuild() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		for s := range 16 {
			at := float64(s) / 4
			switch {
			case b < 2:
				if s%4 == 0 {
					add(at, kKick, 0.25, 110)
				}
				if s%2 == 1 {
					add(at, kClosed, 0.25, 55+10*b)
				}
			case b == 2:
				if s%4 == 0 {
					add(at, kKick, 0.25, 110)
				}
				if s%2 == 0 {
					add(at, kSnare, 0.25, ramp(60, 90, s, 16))
				}
			default:
				add(at, kSnare, 0.25, ramp(70, 115, s, 15))
				if s >= 12 {
					add(at, kClap, 0.25, ramp(70, 105, s-12, 3))
				}
			}
		}
	})
}

func drumDrop() []note {
	return perBar(2, func(b int, add func(float64, int, float64, int)) {
		for q := range 4 {
			at := float64(q)
			add(at, kKick, 0.25, 125)
			add(at+0.25, kClosed, 0.25, 55)
			add(at+0.5, kOpen, 0.25, 90)
			add(at+0.75, kClosed, 0.25, 65)
			if q%2 == 1 {
				add(at, kClap, 0.25, 115)
				add(at, kSnare, 0.25, 80)
			}
		}
		if b == 1 {
			add(2.75, kSnare, 0.25, 45)
			add(3.5, kClap, 0.25, 70)
		}
	})
}

// drumBreak is three sparse bars and a one-bar fill; its follow action then
// returns to the Drop beat above it.
func drumBreak() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		if b < 3 {
			add(0, kKick, 0.25, 95)
			for e := range 8 {
				add(float64(e)/2, kClosed, 0.25, 35+5*(e%2))
			}
			add(3.5, kOpen, 0.25, 45)
			return
		}
		for i, at := range []float64{0, 0.5, 1, 1.5, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5, 3.75} {
			add(at, kSnare, 0.25, ramp(60, 120, i, 11))
		}
		add(0, kKick, 0.25, 100)
		add(2, kKick, 0.25, 100)
		add(3.5, kClap, 0.25, 110)
	})
}

func drumOutro() []note {
	return perBar(1, func(_ int, add func(float64, int, float64, int)) {
		for q := range 4 {
			add(float64(q), kKick, 0.25, 95)
			add(float64(q)+0.5, kOpen, 0.25, 55)
		}
		add(3, kClap, 0.25, 70)
	})
}

func bassGroove() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		r := bassRoots[b]
		add(0, r, 0.5, 110)
		add(0.75, r, 0.25, 80)
		add(1.5, r+12, 0.25, 90)
		add(2, r, 0.5, 105)
		add(2.75, r, 0.25, 75)
		add(3, r+12, 0.25, 95)
		add(3.5, r+7, 0.25, 85)
	})
}

func bassBuild() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		r := bassRoots[b]
		step := 0.5
		if b == 3 {
			step = 0.25
		}
		for at := 0.0; at < 4; at += step {
			add(at, r, step*0.8, ramp(75, 115, 4*b+int(at), 16))
		}
	})
}

// bassDrop plays on the off-beats, between the kicks.
func bassDrop() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		r := bassRoots[b]
		add(0.5, r, 0.4, 115)
		add(1.5, r, 0.4, 110)
		add(2.25, r+12, 0.2, 80)
		add(2.5, r, 0.4, 115)
		add(3.5, r, 0.25, 105)
		add(3.75, r+12, 0.25, 90)
	})
}

func bassBreak() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		add(0, bassRoots[b], 3, 90)
	})
}

func bassOutro() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		r := bassRoots[b]
		add(0, r, 1.5, 95)
		add(2, r+12, 0.5, 70)
		add(3, r, 0.5, 80)
	})
}

func chord(add func(float64, int, float64, int), at float64, keys []int, length float64, vel int) {
	for _, k := range keys {
		add(at, k, length, vel)
	}
}

func chordsPads(vel int) []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		chord(add, 0, pads[b], 3.5, vel)
		chord(add, 2.5, pads[b][1:], 1.5, vel*2/3)
	})
}

func chordsStabs() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		for _, at := range []float64{0.5, 1.5, 2.5, 3.5} {
			chord(add, at, triads[b], 0.25, 85)
		}
	})
}

func chordsBuild() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		for e := range 8 {
			chord(add, float64(e)/2, triads[b], 0.2, ramp(50, 90, 8*b+e, 31))
		}
	})
}

func chordsDrop() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		for _, at := range []float64{0.5, 1.25, 2, 2.75, 3.5} {
			chord(add, at, triads[b], 0.25, 95)
		}
	})
}

// hookA is the Groove's lead line; hookB, the Drop's, has the same harmony
// and length so the two can swap mid-phrase (legato).
func hookA() []note {
	return []note{
		{0, 76, 0.75, 100}, {0.75, 74, 0.25, 80}, {1, 72, 0.5, 90}, {1.5, 69, 0.75, 85}, {2.5, 72, 0.5, 85}, {3, 76, 0.75, 95},
		{4, 77, 0.75, 100}, {4.75, 76, 0.25, 80}, {5, 72, 0.5, 90}, {5.5, 69, 1, 85}, {7, 72, 0.5, 85}, {7.5, 74, 0.5, 90},
		{8, 76, 0.75, 100}, {8.75, 74, 0.25, 80}, {9, 72, 0.5, 90}, {9.5, 67, 0.75, 85}, {10.5, 72, 0.5, 85}, {11, 76, 0.75, 95}, {11.75, 79, 0.25, 90},
		{12, 74, 1.5, 100}, {13.5, 71, 0.5, 80}, {14, 67, 0.5, 85}, {14.5, 71, 0.5, 85}, {15, 74, 0.5, 90}, {15.5, 71, 0.5, 80},
	}
}

func hookB() []note {
	cells := [4][7]int{
		{81, 79, 76, 72, 76, 79, 76}, // Am
		{77, 76, 72, 69, 72, 76, 77}, // F
		{79, 76, 72, 67, 72, 76, 79}, // C
		{83, 79, 74, 71, 74, 79, 81}, // G, leaning on A5 into the next Am
	}
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		for i, at := range []float64{0, 0.75, 1.5, 2, 2.5, 3, 3.5} {
			l, v := 0.5, 100
			if at == 2 || at == 3 {
				l, v = 0.25, 80
			}
			add(at, cells[b][i], l, v)
		}
	})
}

func leadArp() []note {
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		for s := range 16 {
			add(float64(s)/4, arpTones[b][s%4], 0.2, ramp(45, 110, 16*b+s, 63))
		}
	})
}

// leadEcho is a sparse line with its own dotted-eighth echoes written out.
func leadEcho() []note {
	phrase := [4][2]int{{76, 72}, {72, 69}, {76, 79}, {74, 71}}
	return perBar(4, func(b int, add func(float64, int, float64, int)) {
		for i, k := range phrase[b] {
			at := float64(2 * i)
			add(at, k, 0.5, 90)
			add(at+0.75, k, 0.4, 52)
			add(at+1.5, k, 0.3, 30)
		}
	})
}

func demoSet() *setFile {
	s := &setFile{
		header: `Demo: a one-minute house groove in A minor at 120 BPM; play it with demo.perf:
  gridbox play sets/demo/demo.toml --events sets/demo/demo.perf

Generated, with every sample, by show/starter (the sounds are
synthesized there, deterministically). Edit the Go and regenerate with
  go test ./show/starter -run 'TestDemoIsCommitted|TestGeneratedBytesAreStable' -update

Every clip follows the same four bars, one chord a bar: Am | F | C | G.
Tracks are columns (x), scenes are rows (y):
  Drums, Bass, Chords and Lead are note clips played by sampler instruments;
  Percussion and Texture are audio clips (loops and one-shots at 120 BPM).`,
		name:     "Demo",
		tempo:    120,
		quantize: "1 bar",
		scale:    "A minor", // the grid's Note mode plays along in key
		scenes: []scene{
			{name: "Intro", tempo: 120}, // launching the Intro resets the tempo
			{name: "Groove"}, {name: "Build"}, {name: "Drop"}, {name: "Break"}, {name: "Outro"},
		},
		tracks: []track{
			{name: "Drums", color: "#ff4000", volume: -9, pan: 0, instrument: "kit", clips: []clip{
				{scene: scIntro, name: "Kick & Hats", loop: true, length: "1 bar", notes: drumIntro()},
				{scene: scGroove, name: "Groove", loop: true, length: "1 bar", notes: drumGroove()},
				{scene: scBuild, name: "Build", loop: true, length: "4 bars", notes: drumBuild(),
					comment: "follows on to the Drop beat by itself after its four bars",
					follow:  &follow{after: "4 bars", action: "next", chance: 1}},
				{scene: scDrop, name: "Drop", loop: true, length: "2 bars", notes: drumDrop()},
				{scene: scBreak, name: "Break & Fill", loop: true, length: "4 bars", notes: drumBreak(),
					comment: "three sparse bars and a fill, then back to the Drop beat above",
					follow:  &follow{after: "4 bars", action: "previous", chance: 1}},
				{scene: scOutro, name: "Outro", loop: true, length: "1 bar", notes: drumOutro()},
			}},
			{name: "Bass", color: "#ffc000", volume: -10, pan: 0, instrument: "bass", clips: []clip{
				{scene: scGroove, name: "Groove Line", loop: true, length: "4 bars", notes: bassGroove()},
				{scene: scBuild, name: "Pulse", loop: true, length: "4 bars", notes: bassBuild()},
				{scene: scDrop, name: "Drop Line", loop: true, length: "4 bars", notes: bassDrop()},
				{scene: scBreak, name: "Sub Roots", loop: true, length: "4 bars", notes: bassBreak()},
				{scene: scOutro, name: "Outro Line", loop: true, length: "4 bars", notes: bassOutro()},
			}},
			{name: "Chords", color: "#3090ff", volume: -13, pan: -0.2, instrument: "keys", clips: []clip{
				{scene: scIntro, name: "Pads", loop: true, length: "4 bars", notes: chordsPads(80)},
				{scene: scGroove, name: "Stabs", loop: true, length: "4 bars", notes: chordsStabs()},
				{scene: scBuild, name: "Eighths", loop: true, length: "4 bars", notes: chordsBuild()},
				{scene: scDrop, name: "Drop Stabs", loop: true, length: "4 bars", notes: chordsDrop()},
				{scene: scBreak, name: "Break Pads", loop: true, length: "4 bars", notes: chordsPads(70)},
				{scene: scOutro, name: "Outro Pads", loop: true, length: "4 bars", notes: chordsPads(60)},
			}},
			{name: "Lead", color: "#d040ff", volume: -8, pan: 0.2, instrument: "lead", clips: []clip{
				{scene: scGroove, name: "Hook A", loop: true, length: "4 bars", notes: hookA(),
					comment:  "Hook A and Hook B swap on the next beat without losing their place (legato)",
					quantize: "1/4", legato: true},
				{scene: scBuild, name: "Arp", loop: true, length: "4 bars", notes: leadArp()},
				{scene: scDrop, name: "Hook B", loop: true, length: "4 bars", notes: hookB(),
					quantize: "1/4", legato: true},
				{scene: scBreak, name: "Echoes", loop: true, length: "4 bars", notes: leadEcho(),
					comment: "toggle: press once to start, again to stop (on the next half bar)",
					launch:  "toggle", quantize: "1/2"},
			}},
			{name: "Percussion", color: "#40e070", volume: -9, pan: 0.3, clips: []clip{
				{scene: scIntro, name: "Shaker", sample: "samples/perc-shaker.wav", loop: true, length: "1 bar"},
				{scene: scGroove, name: "Congas", sample: "samples/perc-congas.wav", loop: true, length: "2 bars", quantize: "2 bars"},
				{scene: scBuild, name: "Shaker", sample: "samples/perc-shaker.wav", loop: true, length: "1 bar", gain: 2},
				{scene: scDrop, name: "Drop Perc", sample: "samples/perc-drop.wav", loop: true, length: "2 bars", quantize: "2 bars"},
				{scene: scBreak, name: "Congas", sample: "samples/perc-congas.wav", loop: true, length: "2 bars", gain: -4, quantize: "2 bars"},
				{scene: scOutro, name: "Shaker", sample: "samples/perc-shaker.wav", loop: true, length: "1 bar", gain: -3},
			}},
			{name: "Texture", color: "#20d0d0", volume: -12, pan: -0.3, clips: []clip{
				{scene: scIntro, name: "Drone", sample: "samples/tex-drone.wav", loop: true, length: "2 bars"},
				{scene: scGroove, name: "Drone", sample: "samples/tex-drone.wav", loop: true, length: "2 bars", gain: -4},
				{scene: scBuild, name: "Riser", sample: "samples/tex-riser.wav", loop: false, length: "4 bars",
					comment: "gate: plays while its pad is held, stops when it is let go",
					launch:  "gate", quantize: "1/4", gain: 2},
				{scene: scDrop, name: "Impact", sample: "samples/tex-impact.wav", loop: false, length: "1 bar"},
				{scene: scBreak, name: "Drone", sample: "samples/tex-drone.wav", loop: true, length: "2 bars", gain: 2},
				{scene: scOutro, name: "Drone", sample: "samples/tex-drone.wav", loop: true, length: "2 bars"},
			}},
		},
		instruments: []instrument{
			{name: "kit", comment: "kit: one key per drum (General MIDI numbers), all one-shots", zones: []zone{
				{key: kKick, sample: "samples/kick.wav"},
				{key: kSnare, sample: "samples/snare.wav", gain: -2},
				{key: kClap, sample: "samples/clap.wav", gain: -2},
				{key: kClosed, sample: "samples/hat-closed.wav", gain: -3},
				{key: kOpen, sample: "samples/hat-open.wav", gain: -5},
			}},
			{name: "bass", comment: "bass: two pitched samples, each covering the keys around its root", zones: []zone{
				{low: 21, high: 38, root: 33, sample: "samples/bass-a1.wav", gate: true},
				{low: 39, high: 60, root: 43, sample: "samples/bass-g2.wav", gate: true},
			}},
			{name: "keys", comment: "keys: an FM electric piano sampled at A3, stretched over four octaves", zones: []zone{
				{low: 36, high: 84, root: 57, sample: "samples/keys-a3.wav", gate: true},
			}},
			{name: "lead", comment: "lead: a detuned sawtooth lead sampled at A4", zones: []zone{
				{low: 52, high: 91, root: 69, sample: "samples/lead-a4.wav", gate: true},
			}},
		},
	}
	return s
}

// demoPerf is demo.perf: about a minute, mostly in beats so it stays on the
// grid; presses come a little early, as a player's do.
const demoPerf = `# demo.perf: one minute of the demo set. 120 BPM: a bar is 4 beats (4b) = 2 s.
# Pads: x = track (0 Drums, 1 Bass, 2 Chords, 3 Lead, 4 Percussion, 5 Texture),
#       y = scene (0 Intro, 1 Groove, 2 Build, 3 Drop, 4 Break, 5 Outro).
# Launches wait for the next bar unless a clip says otherwise.

0b      scene 0      # Intro: kick and hats, pads, shaker, drone
15.7b   scene 1      # Groove (bar 5): bass, stabs, Hook A, congas

33.8b   press 3 3    # Lead: Hook B takes over on the next beat, in step (legato)
34.1b   release 3 3
39.8b   press 3 1    # ... and back to Hook A
40.05b  release 3 1

47.7b   scene 2      # Build (bar 13): the riser swells; the drums roll into the drop by themselves
63.7b   scene 3      # Drop (bar 17)

79.6b   scene 4      # Break (bar 21): the drums thin out, the Echoes lead comes in
87.8b   press 5 2    # hold the Riser (a gate clip) through the second half of the break...
91.8b   press 3 4    # Echoes is a toggle: pressing it again stops it at the half bar
92.0b   release 3 4
95.7b   scene 3      # Drop again (bar 25); the drums' fill follows back to it anyway
95.75b  release 5 2  # ...and let go of the Riser as the drop lands

103.7b  stop 1       # the bass drops out for the last two bars of the drop
111.7b  scene 5      # Outro (bar 29)
111.75b stop 3       # the Outro has no lead: stop it
119.7b  stop 4       # percussion out
123.7b  stopall      # everything stops at bar 32
128b    end          # a bar later, once the tails have rung out
`
