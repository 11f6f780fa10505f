package launchpad

// Exported for the external tests (package launchpad_test), which import
// launchpadtest and so cannot live in this package.
var (
	TestPattern = testPattern
	TestChange  = testChange
)
