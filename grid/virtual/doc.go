// Package virtual is a controller without a device: an 8×8 grid of pads
// with named buttons around it, the same for every script and test whatever
// hardware is plugged in. Performance scripts press its pads and buttons by
// name ("4b button record"), and a browser view can later drive it the same
// way; it passes the grid.Controller contract (gridtest.Run) like the
// drivers. Besides the standard library it imports only package grid.
//
// # Layout
//
// The pads are X 0..7 from the left and Y 0..7 from the top, with velocity.
// The buttons around them keep counting outward, as on a Launchpad Pro: the
// scene-launch column at X = 8 (unlabelled), the named buttons in the top
// row (Y = −1), the left column (X = −1) and the bottom row (Y = 8). Their
// names are their Info().Labels, from grid.LabelVocabulary.
//
//	Y\X    -1         0      1         2        3       4        5      6       7        8
//	-1               up     down      left     right   session  mixer  volume  stopall
//	 0    note       ·      ·         ·        ·       ·        ·      ·       ·        scene
//	 1    drum       ·      ·         ·        ·       ·        ·      ·       ·        scene
//	 2    step       ·      ·         ·        ·       ·        ·      ·       ·        scene
//	 3    record     ·      ·         ·        ·       ·        ·      ·       ·        scene
//	 4    undo       ·      ·         ·        ·       ·        ·      ·       ·        scene
//	 5    redo       ·      ·         ·        ·       ·        ·      ·       ·        scene
//	 6    metronome  ·      ·         ·        ·       ·        ·      ·       ·        scene
//	 7    shift      ·      ·         ·        ·       ·        ·      ·       ·        scene
//	 8               clear  duplicate quantize length
//
// # Threads and owners
//
// Every method is safe from any goroutine; the lock is private. As grid's
// contract has it, one goroutine reads Pads and one calls Set and Flush.
// Press and Release, the device's side, may come from anywhere (a script
// runner, a web handler) and never block: Pads holds PadsBuffer unread
// events, and a press or release that finds it full is refused. Lights is
// what the "device" shows, the frame of the last Flush, for whoever wants
// to look (a test, a web page).
package virtual
