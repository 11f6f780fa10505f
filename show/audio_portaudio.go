//go:build portaudio

package show

import (
	"fmt"
	"strings"

	"gridbox/audio"
	"gridbox/audio/portaudio"
)

// DefaultBackend is the backend play uses unless told otherwise.
const DefaultBackend = "portaudio"

// DevicesAbout is what "gridbox devices --help" says it does.
const DevicesAbout = "Devices lists the audio devices PortAudio can open, with their output and input\nchannels (pass an index or a name substring to \"gridbox play --device\"), and\nthe MIDI inputs and outputs."

func backendsWithPortAudio() []string { return []string{"portaudio"} }

// portAudioOpener opens the device spec names (see --device) the first
// time; after a loss it opens that same device again by name, without the
// "(hw:1,0)" ALSA adds, so a USB card replugged as another card number is
// found and the default output is not taken for it.
func portAudioOpener(spec string, in *inputSpec, f audio.Format, block, lead int) Opener {
	return func() (audio.Device, error) {
		input := "none" // portaudio's default would open the output device's input too
		if in.channels() > 0 {
			input = in.Device
		}
		d, err := portaudio.Open(portaudio.Config{Device: spec, Input: input, InputChannels: in.channels(), Rate: f.SampleRate, Block: block, Lead: lead, Channels: f.Channels})
		if err == nil {
			spec = sameCard(d.Info().Name)
		}
		return d, err
	}
}

// Devices lists the audio devices PortAudio can open on e.Stdout, with
// their output and input channels (* marks the default output, > the
// default input when it is another device); verbose adds what ALSA and JACK
// said meanwhile, on e.Stderr.
func Devices(e *Env, verbose bool) error {
	list, err := portaudio.List()
	if verbose {
		printAudioLog(e, "portaudio")
	}
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(e.Stdout, "no audio devices; gridbox play --audio null runs without sound")
	}
	for _, d := range list {
		def := " "
		switch {
		case d.Default:
			def = "*"
		case d.DefaultInput:
			def = ">"
		}
		fmt.Fprintf(e.Stdout, "%s %2d  %-40s %-8s out %d ch  in %d ch  %.0f Hz\n", def, d.Index, d.Name, d.HostAPI, d.MaxOutputChannels, d.MaxInputChannels, d.DefaultRate)
	}
	printMIDIPorts(e)
	return nil
}

func portAudioLog() string { return portaudio.Log() }

// sameCard is the PortAudio device spec that finds the device called name
// again after a replug: the name without the card and device numbers ALSA
// appends ("USB Audio: - (hw:1,0)" → "USB Audio: -"), which change when
// the card comes back as another card.
func sameCard(name string) string {
	if i := strings.LastIndex(name, " (hw:"); i > 0 && strings.HasSuffix(name, ")") {
		return name[:i]
	}
	return name
}
