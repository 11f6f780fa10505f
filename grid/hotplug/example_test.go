package hotplug_test

import (
	"fmt"

	"gridbox/grid"
	"gridbox/grid/gridtest"
	"gridbox/grid/hotplug"
)

// The session goroutine receives every event, lighting a controller when it
// is attached and forgetting it when it is detached. Here a fake Launchpad
// stands in for the launchpad package's scan.
func Example() {
	lp := gridtest.New(grid.Info{Model: "launchpad-x", Port: "hw:1", Cols: 8, Rows: 8})
	scan := func() ([]hotplug.Device, error) {
		return []hotplug.Device{{
			ID: "Launchpad X:Launchpad X LPX MIDI", Model: "launchpad-x", Port: "hw:1", Why: "port name",
			Open: func() (grid.Controller, error) { return lp, nil },
		}}, nil
	}
	w := hotplug.Watch(hotplug.Config{}, scan)

	ev := <-w.Events()
	fmt.Println(ev.Kind, ev.ID)
	ev.C.Set(grid.Button{X: 0, Y: 0}, grid.Light{Color: grid.Color{G: 255}}) // the LED goroutine's job
	ev.C.Flush()

	lp.Press(2, 3)
	ev = <-w.Events()
	fmt.Println(ev.Kind, ev.Pad.X, ev.Pad.Y, ev.Pad.Down)

	// Close closes the Launchpad (restoring its normal mode), so the held
	// pad is released before the Detached.
	w.Close()
	for ev := range w.Events() {
		if ev.Kind == hotplug.Input {
			fmt.Println(ev.Kind, ev.Pad.X, ev.Pad.Y, ev.Pad.Down)
		} else {
			fmt.Println(ev.Kind, ev.Err)
		}
	}
	// Output:
	// attached Launchpad X:Launchpad X LPX MIDI
	// input 2 3 true
	// input 2 3 false
	// detached <nil>
}
