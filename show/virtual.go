package show

import (
	"fmt"
	"slices"
	"strings"

	"gridbox/engine"
	"gridbox/grid"
	"gridbox/grid/virtual"
	"gridbox/perfscript"
)

// virtualID is the surface's name for the virtual controller that a
// script's pad and button lines press.
const virtualID = "virtual"

// playsVirtual reports whether e presses the virtual controller.
func playsVirtual(e perfscript.Event) bool {
	switch e.Kind {
	case perfscript.Pad, perfscript.PadUp, perfscript.Button, perfscript.ButtonDown, perfscript.ButtonUp:
		return true
	}
	return false
}

// plugVirtual attaches the virtual controller to the surface, as if
// plugged in at frame 0, when the script has a pad or button line or the
// browser view plays it (then as a mirror of the first controller's
// columns, and its lights go to the page); its presses and lights are
// logged to clog (may be nil).
func (p *Show) plugVirtual(clog *ctrlLog) {
	if p.virt == nil && !slices.ContainsFunc(p.events, playsVirtual) {
		return
	}
	if p.virt == nil {
		p.virt = virtual.New()
	}
	var c grid.Controller = p.virt
	if clog != nil {
		c = &loggedVirtual{Controller: p.virt, l: clog, order: p.virt.Info().Buttons}
	}
	if p.web != nil {
		p.surface.AttachMirror(virtualID, newWebLights(c, p.virt, p.web.srv))
		return
	}
	p.surface.Attach(virtualID, c)
}

// pressVirtual presses or releases the virtual controller's pad or button
// of a script line, and hands what that delivers to the surface at frame
// f. A pad or button pressed while still held (no padup or buttonup since)
// is let go first: a second hit.
func (p *Show) pressVirtual(e perfscript.Event, f engine.Frame) {
	v := p.virt
	if v == nil {
		return
	}
	b, vel := grid.Button{X: e.X, Y: e.Y}, e.Velocity
	if e.Kind != perfscript.Pad && e.Kind != perfscript.PadUp {
		b, _ = virtual.Button(e.Name)
		vel = 127 // as the round buttons of a Launchpad report
	}
	switch e.Kind {
	case perfscript.Pad, perfscript.Button, perfscript.ButtonDown:
		v.Release(b)
		v.Press(b, vel)
		if e.Kind == perfscript.Button {
			v.Release(b)
		}
	case perfscript.PadUp, perfscript.ButtonUp:
		v.Release(b)
	}
	p.logAt = f
	for len(v.Pads()) > 0 { // this goroutine is the only reader
		pad := <-v.Pads()
		p.clog.logText(virtual.Model, "in", padText(pad))
		if pad.Down && p.pressed != nil {
			p.pressed()
		}
		p.surface.Handle(virtualID, pad, f)
	}
}

// unplugVirtual detaches and closes the virtual controller.
func (p *Show) unplugVirtual() {
	if p.virt != nil {
		p.surface.Detach(virtualID)
		p.virt.Close()
		p.virt = nil
	}
}

// loggedVirtual logs the virtual controller's lights: each Flush writes
// one line of what it changed, the first one every light.
type loggedVirtual struct {
	*virtual.Controller
	l     *ctrlLog
	order []grid.Button              // every button, in the log's order
	last  map[grid.Button]grid.Light // the LED goroutine's
}

func (c *loggedVirtual) Flush() error {
	if err := c.Controller.Flush(); err != nil {
		return err
	}
	now := c.Lights()
	var changed []string
	for _, b := range c.order {
		if l, was := now[b], c.last[b]; c.last == nil || l != was {
			changed = append(changed, buttonText(b)+"="+l.String())
		}
	}
	c.last = now
	c.l.logText(virtual.Model, "out", strings.Join(changed, " "))
	return nil
}

// buttonText names a button of the virtual controller for the log: its
// name, or "x,y".
func buttonText(b grid.Button) string {
	if name := virtualNames[b]; name != "" {
		return name
	}
	return fmt.Sprintf("%d,%d", b.X, b.Y)
}

// virtualNames names the virtual controller's buttons that have a name.
var virtualNames = func() map[grid.Button]string {
	m := map[grid.Button]string{}
	for _, n := range virtual.Names() {
		b, _ := virtual.Button(n)
		m[b] = n
	}
	return m
}()

// padText writes a press ("record down", "3,4 down 100") or a release
// ("3,4 up") for the log.
func padText(p grid.Pad) string {
	if !p.Down {
		return buttonText(p.Button) + " up"
	}
	return fmt.Sprintf("%s down %d", buttonText(p.Button), p.Velocity)
}
