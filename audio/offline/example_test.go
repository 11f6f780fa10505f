package offline_test

import (
	"fmt"
	"math"

	"gridbox/audio"
	"gridbox/audio/offline"
)

// Bounce one second of a 440 Hz tone, the way `gridbox render` bounces a set:
// start the device with a Renderer, then pull blocks and write them out.
func Example() {
	f := audio.Format{SampleRate: 48000, Channels: 2}
	d := offline.New(f, 128)
	defer d.Close()

	var phase float64
	tone := audio.RendererFunc(func(out []float32) { // runs inside Pull
		for i := 0; i < len(out); i += f.Channels {
			v := float32(0.5 * math.Sin(2*math.Pi*phase))
			out[i], out[i+1] = v, v
			phase += 440.0 / float64(f.SampleRate)
		}
	})
	if err := d.Start(tone); err != nil {
		panic(err)
	}

	var peak float32
	for range f.SampleRate / 1000 { // 1000-frame chunks; a WAV writer would take each one
		for _, v := range d.Pull(1000) {
			peak = max(peak, v)
		}
	}
	fmt.Printf("%d frames in %d blocks, peak %.2f\n", d.Frames(), d.Stats().Blocks, peak)
	// Output: 48000 frames in 375 blocks, peak 0.50
}
