// Package hotplug finds controllers, opens them, merges their pads into one
// ordered stream of events, notices when they go away and picks them up
// again when they come back (realtime-and-reliability.md §2.1, §3.5: a
// replugged controller is routine on stage, never a reason to stop).
//
//	Scan… ──watcher goroutine, every Period──▶ found list ──▶ Device.Open (one goroutine per open)
//	Controller.Pads ──forwarder (one per open controller)──▶ Events ──▶ session goroutine
//
// It imports only grid: the drivers (launchpad, monome) supply Scans, and
// cmd wires them together. Audio never depends on it: a watcher that stalls
// delays pads, never a render.
//
// # Threads and owners
//
//   - The watcher goroutine owns the device table. It runs the Scans (once
//     at Watch, then every Period), starts opens, closes controllers whose
//     device vanished from its scan, and at Close closes everything.
//   - Each Device.Open runs on a goroutine of its own, so a monome handshake
//     (up to about a second) does not hold up the scans or another device's
//     open. Within one scan, devices are announced in scan order: a fast
//     device waits for a slow one listed before it in the same scan, at most
//     one Open's duration; devices found by later scans are not held up.
//   - One forwarder goroutine per open controller copies its Pads to Events
//     with blocking sends: a slow consumer holds pads back, and a release is
//     never dropped here. It sends Attached first and Detached last, after
//     Pads has closed.
//   - One consumer (the session goroutine) receives Events until it is
//     closed. It may hand an attached controller to its LED goroutine for
//     Set and Flush until the controller's Detached. It must not Close
//     controllers: the watcher opened them and closes them.
//   - Close and Devices are safe from any goroutine.
//
// # Events, per controller
//
//	Attached, Input…, Detached
//
// Every held pad's release arrives as Input before the Detached (the driver
// releases held buttons before closing Pads, grid rule 2), and nothing of
// that controller follows its Detached. A replug is a new controller with
// its own Attached; it comes after the previous controller's Detached when
// the ID is the same. After Close, Events is closed after the last
// Detached.
package hotplug
