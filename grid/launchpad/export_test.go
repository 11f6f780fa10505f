package launchpad

import "time"

// Exported for the external tests (package launchpad_test), which import
// launchpadtest and so cannot live in this package.
var (
	TestPattern = testPattern
	TestChange  = testChange
)

// SetTextWait replaces how long c lets a text scroll before it counts as
// ended without the device's report (defaultTextWait), so tests need not
// wait out TextDuration. It applies to texts started after the call.
func (c *Controller) SetTextWait(f func(text string) time.Duration) {
	c.tmu.Lock()
	defer c.tmu.Unlock()
	c.textWait = f
}
