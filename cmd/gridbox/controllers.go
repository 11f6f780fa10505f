package main

import (
	"bytes"
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

// inquiryWait bounds how long a Launchpad has to answer a device inquiry;
// it is part of the time a replugged Launchpad takes to light up again.
const inquiryWait = 150 * time.Millisecond

// systemScans returns the scans for every controller this machine can
// have: Launchpads on the ALSA sequencer, monome grids on serial ports.
// MIDI that cannot work here (no ALSA sequencer, a build without rtmidi)
// leaves the Launchpad scan out and says why in notes; grids still work.
// clog (may be nil) logs every controller's traffic.
func systemScans(clog *ctrlLog) (scans []hotplug.Scan, notes []string) {
	if drv, err := midiport.System(); err != nil {
		notes = append(notes, fmt.Sprintf("Launchpads: %v", err))
	} else {
		scans = append(scans, launchpadScan(drv, clog))
	}
	return append(scans, monomeScan(clog)), notes
}

// launchpadScan lists the Launchpads among drv's MIDI ports, by port name,
// each on the port its model is driven through.
func launchpadScan(drv drivers.Driver, clog *ctrlLog) hotplug.Scan {
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
				Open: func() (grid.Controller, error) { return openLaunchpad(m, p, clog) },
			})
		}
		return out, nil
	}
}

// openLaunchpad confirms model m by a device inquiry, then drives it on
// port p.
func openLaunchpad(m launchpad.Model, p midiport.Port, clog *ctrlLog) (grid.Controller, error) {
	if answersInquiry(m) {
		if s, err := midiport.Open(p); err == nil {
			m = confirmModel(m, s, inquiryWait)
			s.Close()
		}
	}
	s, err := midiport.Open(p)
	if err != nil {
		return nil, err
	}
	var port io.ReadWriteCloser = s
	if clog != nil {
		port = &logged{ReadWriteCloser: s, l: clog, model: m.String()}
	}
	return launchpad.Open(m, port, p.Name)
}

// confirmModel asks the Launchpad on port, found by its port name as m,
// for its identity: a reply naming another Launchpad wins; no reply, or
// one consistent with m, keeps m.
func confirmModel(m launchpad.Model, port io.ReadWriter, wait time.Duration) launchpad.Model {
	fam, _, _, ok := inquire(port, wait)
	if !ok || launchpad.InquiryMatches(m, fam) {
		return m
	}
	if got, ok := launchpad.ModelFromInquiry(fam); ok {
		return got
	}
	return m
}

// answersInquiry reports whether model m answers a Universal Device
// Inquiry (the original Launchpad and the Minis before the MK3 do not).
func answersInquiry(m launchpad.Model) bool {
	switch m {
	case launchpad.Launchpad, launchpad.LaunchpadMini:
		return false
	}
	return true
}

// inquire sends a Universal Device Inquiry on port and waits up to wait
// for a reply among the messages that come back (an echo of the request
// or other traffic is skipped). The caller closes port afterwards, which
// ends the reading goroutine.
func inquire(port io.ReadWriter, wait time.Duration) (family, member uint16, version string, ok bool) {
	type reply struct {
		family, member uint16
		version        string
	}
	got := make(chan reply, 1)
	go func() {
		var all []byte
		buf := make([]byte, 256)
		for len(all) < 1<<16 {
			n, err := port.Read(buf)
			all = append(all, buf[:n]...)
			for {
				i := bytes.IndexByte(all, 0xF0)
				j := bytes.IndexByte(all[max(i, 0):], 0xF7)
				if i < 0 || j < 0 {
					break
				}
				if f, m, v, ok := launchpad.ParseInquiryReply(all[i : i+j+1]); ok {
					got <- reply{f, m, v}
					return
				}
				all = all[i+j+1:]
			}
			if err != nil {
				return
			}
		}
	}()
	if _, err := port.Write(launchpad.InquiryRequest()); err != nil {
		return 0, 0, "", false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case r := <-got:
		return r.family, r.member, r.version, true
	case <-t.C:
		return 0, 0, "", false
	}
}

// monomeScan lists the serial devices that may be monome grids.
func monomeScan(clog *ctrlLog) hotplug.Scan {
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
				Open: func() (grid.Controller, error) { return openMonome(c.Path, cfg, clog) },
			})
		}
		return out, nil
	}
}

func openMonome(path string, cfg monome.Config, clog *ctrlLog) (grid.Controller, error) {
	p, err := serialport.Open(path)
	if err != nil {
		return nil, err
	}
	if clog != nil {
		// The size, and so the model, is known after the handshake only.
		lp := logged{ReadWriteCloser: p, l: clog, model: "monome"}
		if d, ok := p.(deadliner); ok {
			p = &loggedDeadline{lp, d}
		} else {
			p = &lp
		}
	}
	return monome.Open(p, path, cfg)
}

// loggedDeadline is a logged port that keeps its SetReadDeadline, which
// the monome handshake uses to give up on a silent device.
type loggedDeadline struct {
	logged
	d deadliner
}

type deadliner interface{ SetReadDeadline(time.Time) error }

func (p *loggedDeadline) SetReadDeadline(t time.Time) error { return p.d.SetReadDeadline(t) }

// controllerScans returns the scans play and controllers use: the
// system's, or a test's.
func (e *env) controllerScans(clog *ctrlLog) ([]hotplug.Scan, []string) {
	if e.scans != nil {
		return e.scans(clog), nil
	}
	return systemScans(clog)
}

// cmdControllers lists the controllers gridbox finds, and how it knows.
func cmdControllers(e *env, args []string) error {
	fs := newFlags(e, "controllers", "",
		"Controllers lists the Launchpads (by ALSA MIDI port name, confirmed by a device inquiry where\nthe model answers one) and monome grids (by serial port and USB serial) that gridbox play\nwould use, and says why it recognised each, or why it could not look.")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	scans, notes := e.controllerScans(nil)
	devs, err := hotplug.List(scans...)
	for _, d := range devs {
		model := d.Model
		if model == "" {
			model = "monome (size asked at connect)"
		}
		fmt.Fprintf(e.stdout, "%-20s %s\n  found by %s", model, d.Port, d.Why)
		if m, perr := launchpad.ParseModel(d.Model); perr == nil && answersInquiry(m) && e.scans == nil {
			fmt.Fprintf(e.stdout, "; %s", describeInquiry(d))
		}
		fmt.Fprintln(e.stdout)
	}
	if len(devs) == 0 {
		fmt.Fprintln(e.stdout, "no controllers found")
	}
	for _, n := range notes {
		fmt.Fprintf(e.stdout, "note: %s\n", n)
	}
	if err != nil {
		fmt.Fprintf(e.stdout, "note: %v\n", err)
	}
	return nil
}

// describeInquiry asks a Launchpad on the system's MIDI ports for its
// identity.
func describeInquiry(d hotplug.Device) string {
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
	fam, member, version, ok := inquire(s, 500*time.Millisecond)
	if !ok {
		return "no inquiry reply"
	}
	desc := fmt.Sprintf("inquiry reply: family %04X member %04X firmware %s", fam, member, version)
	if m, _ := launchpad.ParseModel(d.Model); !launchpad.InquiryMatches(m, fam) {
		desc += " (does not match the port name)"
	}
	return desc
}
