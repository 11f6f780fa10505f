package launchpad_test

import (
	"testing"
	"time"

	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
)

// A Launchpad found by its port name is confirmed by a device inquiry: a
// reply naming another model wins, silence keeps the port name's model.
func TestInquiryConfirmsTheModel(t *testing.T) {
	for _, c := range []struct {
		device, named, want launchpad.Model
	}{
		{launchpad.LaunchpadX, launchpad.LaunchpadX, launchpad.LaunchpadX},
		{launchpad.LaunchpadProMK3, launchpad.LaunchpadX, launchpad.LaunchpadProMK3}, // a misnamed port
		{launchpad.LaunchpadMiniMK3, launchpad.LaunchpadX, launchpad.LaunchpadX},     // 13 01 is what the X manual prints: the name wins
		{launchpad.LaunchpadMK2, launchpad.LaunchpadPro, launchpad.LaunchpadMK2},
		{launchpad.LaunchpadMini, launchpad.LaunchpadS, launchpad.LaunchpadS}, // a Mini does not answer
	} {
		d := launchpadtest.New(c.device)
		got := launchpad.ConfirmModel(c.named, d, time.Second)
		d.Close()
		if got != c.want {
			t.Errorf("a %v on a port named %v: confirmed as %v, want %v", c.device, c.named, got, c.want)
		}
	}
	d := launchpadtest.New(launchpad.LaunchpadProMK3)
	defer d.Close()
	fam, _, version, ok := launchpad.Inquire(d, time.Second)
	if !ok || fam != 0x0123 || version != "138" {
		t.Errorf("Pro MK3 inquiry: family %04X version %q ok %v", fam, version, ok)
	}
}
