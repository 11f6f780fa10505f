//go:build portaudio

package main

import (
	"fmt"

	"gridbox/audio"
	"gridbox/audio/portaudio"
)

const defaultAudio = "portaudio"

var backendsWithPortAudio = []string{"portaudio"}

func openPortAudio(device string, f audio.Format, block, lead int) (audio.Device, error) {
	return portaudio.Open(portaudio.Config{Device: device, Rate: f.SampleRate, Block: block, Lead: lead, Channels: f.Channels})
}

func cmdDevices(e *env, args []string) error {
	fs := newFlags(e, "devices", "", "Devices lists the audio output devices PortAudio can open; pass an index or a\nname substring to \"gridbox play --device\".")
	verbose := fs.Bool("verbose", false, "also print what ALSA and JACK said while PortAudio looked for devices")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	list, err := portaudio.List()
	if *verbose {
		printAudioLog(e, "portaudio")
	}
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "no audio output devices; gridbox play --audio null runs without sound")
		return nil
	}
	for _, d := range list {
		def := " "
		if d.Default {
			def = "*"
		}
		fmt.Fprintf(e.stdout, "%s %2d  %-40s %-8s %d ch  %.0f Hz\n", def, d.Index, d.Name, d.HostAPI, d.MaxOutputChannels, d.DefaultRate)
	}
	return nil
}

func portAudioLog() string { return portaudio.Log() }
