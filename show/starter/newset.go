package starter

import "fmt"

// newFiles returns the starter set's files by slash-separated name.
func newFiles() (map[string][]byte, error) {
	files := map[string][]byte{
		"set.toml": []byte(starterSet),
		"set.perf": []byte(starterPerf),
	}
	for _, s := range []struct {
		name string
		make func() []float64
	}{
		{"kick.wav", kick},
		{"snare.wav", snare},
		{"hat.wav", closedHat},
		{"bass.wav", func() []float64 { return bass(33) }},
		{"shaker.wav", shakerLoop},
	} {
		b, err := encode(s.make())
		if err != nil {
			return nil, fmt.Errorf("starter: %s: %w", s.name, err)
		}
		files["samples/"+s.name] = b
	}
	return files, nil
}

// starterSet is set.toml: the smallest set that shows every key, each with a
// comment. It is hand-written (unlike the demo's) because the comments are
// the point.
const starterSet = `# A gridbox set: a grid of clips, as in Ableton Live's Session View.
# Tracks are columns (x on the controller, 0 = left); scenes are rows (y, 0 = top).
# Play it:    gridbox play set.toml --events set.perf
# Render it:  gridbox render set.toml --events set.perf -o out.wav
#
# Sample paths are relative to this file. Durations are strings: "none",
# "1/32", "1/16", "1/8", "1/4", "1/2", "1 bar", "2 bars", "4 bars", "8 bars".
# Levels are in dB: 0.0 is unity, negative is quieter, "-inf" is silent.

name = "Starter"          # shown by the player; without it, the file name
tempo = 120.0             # beats per minute
time_signature = [4, 4]   # beats per bar, and which note is a beat
quantize = "1 bar"        # launches wait for the next bar (a clip's quantize overrides it)
scale = "C major"         # the key the grid's Note and Step modes lay out ("D dorian", "A minor", …)
count_in = "1 bar"        # Record counts in a bar with the metronome, then records
fixed_length = "1 bar"    # … one bar ("none": until Record is pressed again)
record_quantize = "1/16"  # recorded notes snap to sixteenths ("none" keeps them as played)

# Scenes, top to bottom: a scene's launch button starts every clip in its row.
[[scene]]
name = "Verse"

[[scene]]
name = "Chorus"
# tempo = 124.0           # optional: launching this scene sets the tempo.
#                         # Audio clips are not time-stretched, so the shaker
#                         # loop (recorded at 120 BPM) would drift; left off here.

# Tracks, left to right. A track plays one clip at a time.
[[track]]
name = "Drums"
color = "#ff4000"         # pad colour, "#rrggbb"
volume = -8.0             # dB, up to +12
pan = 0.0                 # -1 left, 0 centre, 1 right
instrument = "kit"        # the [[instrument]] that plays this track's note clips

  # A note clip: its notes are played by the track's instrument.
  [[track.clip]]
  scene = 0               # the row the clip sits in
  name = "Beat"
  loop = true             # start again at the end, until stopped
  length = "1 bar"        # the loop length
  # at: start in beats from the start of the clip; key: MIDI note (36 kick,
  # 38 snare, 42 hat); len: length in beats; vel: velocity 1..127.
  notes = [
    { at = 0.0, key = 36, len = 0.25, vel = 110 },
    { at = 0.5, key = 42, len = 0.25, vel = 70 },
    { at = 1.0, key = 36, len = 0.25, vel = 110 },
    { at = 1.0, key = 38, len = 0.25, vel = 100 },
    { at = 1.5, key = 42, len = 0.25, vel = 70 },
    { at = 2.0, key = 36, len = 0.25, vel = 110 },
    { at = 2.5, key = 42, len = 0.25, vel = 70 },
    { at = 3.0, key = 36, len = 0.25, vel = 110 },
    { at = 3.0, key = 38, len = 0.25, vel = 100 },
    { at = 3.5, key = 42, len = 0.25, vel = 70 },
    { at = 3.75, key = 42, len = 0.25, vel = 50 },
  ]

  [[track.clip]]
  scene = 1
  name = "Fill"
  loop = true
  length = "1 bar"
  gain = 0.0              # dB, on top of the track's volume
  quantize = "1/4"        # this clip launches on the next beat, not the next bar
  # A follow action: after one bar, with probability chance, go to the clip
  # in the row above (actions: next, previous, first, last, any, other,
  # again, stop); otherwise do other.
  follow = { after = "1 bar", action = "previous", chance = 1.0, other = "stop" }
  notes = [
    { at = 0.0, key = 36, len = 0.25, vel = 110 },
    { at = 1.0, key = 38, len = 0.25, vel = 80 },
    { at = 1.5, key = 38, len = 0.25, vel = 85 },
    { at = 2.0, key = 38, len = 0.25, vel = 90 },
    { at = 2.5, key = 38, len = 0.25, vel = 95 },
    { at = 3.0, key = 38, len = 0.25, vel = 100 },
    { at = 3.25, key = 38, len = 0.25, vel = 105 },
    { at = 3.5, key = 38, len = 0.25, vel = 115 },
    { at = 3.75, key = 38, len = 0.25, vel = 127 },
  ]

[[track]]
name = "Bass"
color = "#ffc000"
volume = -10.0
pan = 0.0
instrument = "bass"

  [[track.clip]]
  scene = 0
  name = "Root"
  loop = true
  length = "2 bars"
  notes = [
    { at = 0.0, key = 33, len = 0.5, vel = 110 },
    { at = 1.5, key = 45, len = 0.25, vel = 90 },
    { at = 2.5, key = 33, len = 0.5, vel = 100 },
    { at = 4.0, key = 29, len = 0.5, vel = 110 },
    { at = 5.5, key = 41, len = 0.25, vel = 90 },
    { at = 6.5, key = 31, len = 0.5, vel = 100 },
  ]

  [[track.clip]]
  scene = 1
  name = "Busy"
  loop = true
  length = "2 bars"
  launch = "trigger"      # trigger: press starts it (again from the top if playing);
  #                       # gate: plays while the pad is held; toggle: press starts,
  #                       # press again stops; repeat: restarts every quantize step while held
  quantize = "1/4"
  legato = true           # start where the track's previous clip had got to, not at the top
  notes = [
    { at = 0.0, key = 33, len = 0.25, vel = 110 },
    { at = 0.5, key = 45, len = 0.25, vel = 80 },
    { at = 1.0, key = 33, len = 0.25, vel = 100 },
    { at = 1.5, key = 45, len = 0.25, vel = 80 },
    { at = 2.0, key = 33, len = 0.25, vel = 110 },
    { at = 2.5, key = 40, len = 0.25, vel = 80 },
    { at = 3.0, key = 43, len = 0.25, vel = 100 },
    { at = 3.5, key = 45, len = 0.25, vel = 80 },
    { at = 4.0, key = 29, len = 0.25, vel = 110 },
    { at = 4.5, key = 41, len = 0.25, vel = 80 },
    { at = 5.0, key = 29, len = 0.25, vel = 100 },
    { at = 5.5, key = 41, len = 0.25, vel = 80 },
    { at = 6.0, key = 31, len = 0.25, vel = 110 },
    { at = 6.5, key = 43, len = 0.25, vel = 80 },
    { at = 7.0, key = 31, len = 0.25, vel = 100 },
    { at = 7.5, key = 38, len = 0.25, vel = 80 },
  ]

[[track]]
name = "Shaker"
color = "#40e070"
volume = -9.0
pan = 0.3
# No instrument: this track holds audio clips.

  # An audio clip plays a sample at its own speed (no time-stretching), so a
  # loop must be recorded at the set's tempo: samples/shaker.wav is one bar
  # at 120 BPM.
  [[track.clip]]
  scene = 0
  name = "Shaker"
  sample = "samples/shaker.wav"   # the audio file, relative to this set file
  loop = true
  length = "1 bar"
  gain = -3.0

  [[track.clip]]
  scene = 1
  name = "Shaker"
  sample = "samples/shaker.wav"
  loop = true
  length = "1 bar"
  launch = "toggle"       # press to start, press again to stop

# Instruments play note clips. A sampler maps keys to samples ("zones").
[[instrument]]
name = "kit"              # tracks name it in their instrument key
kind = "sampler"          # plays samples (the only kind so far)
  [[instrument.zone]]
  key = 36                # this zone plays key 36 only, at the sample's own pitch
  sample = "samples/kick.wav"   # what it plays
  gain = 0.0              # dB
  gate = false            # false: one-shot, plays to its end; true: note-off stops it (with a short fade)
  [[instrument.zone]]
  key = 38
  sample = "samples/snare.wav"
  gain = -2.0
  [[instrument.zone]]
  key = 42
  sample = "samples/hat.wav"
  gain = -3.0

[[instrument]]
name = "bass"
kind = "sampler"
  [[instrument.zone]]
  low = 24                # the lowest key this zone plays
  high = 52               # the highest
  root = 33               # the key (A1) at which the sample plays at its own pitch;
  #                       # other keys play it faster or slower
  sample = "samples/bass.wav"
  gate = true
`

// starterPerf is set.perf.
const starterPerf = `# set.perf: a short performance of set.toml. One event per line:
#   <time> press <x> <y> | release <x> <y> | scene <row> | stop <track> | stopall | end
# Times are beats (8b) or seconds (4s) from the start; 120 BPM: a bar is 4b = 2s.
# x is the track (0 Drums, 1 Bass, 2 Shaker), y the scene (0 Verse, 1 Chorus).

0b      scene 0      # Verse
7.8b    press 1 1    # the busy bass line takes over on the next beat, in step (legato)
7.9b    release 1 1
15.7b   scene 1      # Chorus: the drums play their fill, then follow back to the beat
23.8b   press 2 1    # the shaker is a toggle clip: a second press stops it
23.9b   release 2 1
31.7b   stop 1       # the bass stops at the next bar
35.7b   stopall
40b     end
`
