// Package scan finds the controllers this machine has, for package hotplug
// to watch: Launchpads among the ALSA sequencer's MIDI ports (by port name,
// confirmed by a device inquiry where the model answers one) and monome
// grids among the serial ports.
package scan

import (
	"fmt"
	"io"
	"time"

	"gitlab.com/gomidi/midi/v2/drivers"

	"gridbox/grid"
	"gridbox/grid/hotplug"
	"gridbox/grid/launchpad"
	"gridbox/grid/midiport"
	"gridbox/grid/monome"
	"gridbox/grid/serialport"
)

// A Wrap, when not nil, wraps the port of every controller a scan opens,
// with the model it drives there ("monome" before a grid's handshake tells
// its size): to log the traffic. It must return a port that passes every
// Read, Write and Close through.
type Wrap func(port io.ReadWriteCloser, model string) io.ReadWriteCloser

// inquiryWait bounds how long a Launchpad has to answer a device inquiry;
// it is part of the time a replugged Launchpad takes to light up again.
const inquiryWait = 150 * time.Millisecond

// System returns the scans for every controller this machine can have:
// Launchpads on the ALSA sequencer, monome grids on serial ports. MIDI
// that cannot work here (no ALSA sequencer, a build without rtmidi) leaves
// the Launchpad scan out and says why in notes; grids still work.
func System(wrap Wrap) (scans []hotplug.Scan, notes []string) {
	if drv, err := midiport.System(); err != nil {
		notes = append(notes, fmt.Sprintf("Launchpads: %v", err))
	} else {
		scans = append(scans, Launchpads(drv, wrap))
	}
	return append(scans, Monomes(wrap)), notes
}

// MIDIPorts returns the names of this machine's MIDI inputs and outputs
// (every port, a Launchpad's or a synthesizer's), or why there are none
// (no ALSA sequencer, a build without rtmidi: an error wrapping
// midiport.ErrNoMIDI).
func MIDIPorts() (ins, outs []string, err error) {
	drv, err := midiport.System()
	if err != nil {
		return nil, nil, err
	}
	defer drv.Close()
	return midiport.Names(drv)
}

// Launchpads lists the Launchpads among drv's MIDI ports, by port name,
// each on the port its model is driven through.
func Launchpads(drv drivers.Driver, wrap Wrap) hotplug.Scan {
	return func() ([]hotplug.Device, error) {
		ports, err := midiport.List(drv)
		if err != nil {
			return nil, err
		}
		var out []hotplug.Device
		for _, p := range ports {
			m, ok := launchpad.Detect(p.Name)
			if !ok || !launchpad.IsControlPort(m, p.Name) {
				continue
			}
			out = append(out, hotplug.Device{
				ID: "midi " + p.Name, Model: m.String(), Port: p.Name, Why: "port name",
				Open: func() (grid.Controller, error) { return openLaunchpad(m, p, wrap) },
			})
		}
		return out, nil
	}
}

// openLaunchpad confirms model m by a device inquiry, then drives it on
// port p.
func openLaunchpad(m launchpad.Model, p midiport.Port, wrap Wrap) (grid.Controller, error) {
	if launchpad.AnswersInquiry(m) {
		if s, err := midiport.Open(p); err == nil {
			m = launchpad.ConfirmModel(m, s, inquiryWait)
			s.Close()
		}
	}
	s, err := midiport.Open(p)
	if err != nil {
		return nil, err
	}
	var port io.ReadWriteCloser = s
	if wrap != nil {
		port = wrap(s, m.String())
	}
	return launchpad.Open(m, port, p.Name)
}

// Monomes lists the serial devices that may be monome grids.
func Monomes(wrap Wrap) hotplug.Scan {
	return func() ([]hotplug.Device, error) {
		cands, err := serialport.Scan()
		if err != nil {
			return nil, err
		}
		var out []hotplug.Device
		for _, c := range cands {
			proto, cols, rows, ok := monome.SerialProtocol(c.Serial)
			if !ok && c.Serial != "" {
				continue // a 40h or something else gridbox does not speak
			}
			model := ""
			if m, ok := monome.ModelOf(cols, rows); ok {
				model = m.String()
			}
			why := "serial port"
			if c.Serial != "" {
				why = "usb serial " + c.Serial
			}
			cfg := monome.Config{Protocol: proto, Cols: cols, Rows: rows, ID: c.Serial}
			out = append(out, hotplug.Device{
				ID: "serial " + c.Path, Model: model, Port: c.Path, Why: why,
				Open: func() (grid.Controller, error) { return openMonome(c.Path, cfg, wrap) },
			})
		}
		return out, nil
	}
}

func openMonome(path string, cfg monome.Config, wrap Wrap) (grid.Controller, error) {
	p, err := serialport.Open(path)
	if err != nil {
		return nil, err
	}
	if wrap != nil {
		// The size, and so the model, is known after the handshake only.
		w := wrap(p, "monome")
		if d, ok := p.(deadliner); ok {
			// The handshake gives up on a silent device by a read deadline.
			w = &withDeadline{w, d}
		}
		p = w
	}
	return monome.Open(p, path, cfg)
}

// withDeadline is a wrapped port that keeps the SetReadDeadline of the
// port it wraps.
type withDeadline struct {
	io.ReadWriteCloser
	d deadliner
}

type deadliner interface{ SetReadDeadline(time.Time) error }

func (p *withDeadline) SetReadDeadline(t time.Time) error { return p.d.SetReadDeadline(t) }

// Inquiry asks the Launchpad d found on the system's MIDI ports for its
// identity, and describes the answer for a person.
func Inquiry(d hotplug.Device) string {
	var p midiport.Port
	if drv, err := midiport.System(); err == nil {
		ports, _ := midiport.List(drv)
		for _, x := range ports {
			if x.Name == d.Port {
				p = x
			}
		}
	}
	if p.Name == "" {
		return "no inquiry (port gone)"
	}
	s, err := midiport.Open(p)
	if err != nil {
		return "no inquiry: " + err.Error()
	}
	defer s.Close()
	fam, member, version, ok := launchpad.Inquire(s, 500*time.Millisecond)
	if !ok {
		return "no inquiry reply"
	}
	desc := fmt.Sprintf("inquiry reply: family %04X member %04X firmware %s", fam, member, version)
	if m, _ := launchpad.ParseModel(d.Model); !launchpad.InquiryMatches(m, fam) {
		desc += " (does not match the port name)"
	}
	return desc
}
