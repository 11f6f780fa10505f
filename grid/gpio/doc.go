// Package gpio is gridbox's optional hardware on the Raspberry Pi's pin
// header (#4): a footswitch on a GPIO input and a status LED on a GPIO
// output. Both are optional; pins are named in the configuration ("GPIO17")
// and looked up in periph.io's registry after periph's host.Init, which
// Open runs once per process.
//
//	footswitch ──edges──▶ debounce (20 ms stable) ──▶ Footswitch.Events() ──▶ caller
//	                                                  (start/stop, or Tapper → tempo)
//	caller ──Beat(pos) / On / Off / Error(bool)──▶ LED ──▶ pin, written only on change
//
// What the footswitch does is the caller's business: start and stop the
// transport, or feed press times to a Tapper for tap tempo. Tapper is pure
// arithmetic on the times it is given.
//
// On a machine without GPIO (an x86 laptop, CI) opening a configured pin
// fails with ErrNoSuchPin ("gpio: pin GPIO17: no such pin on this machine
// (not a Raspberry Pi?)"); with no pins configured Open opens nothing and
// does not touch the host at all.
//
// # Debouncing
//
// The footswitch is wired between the pin and ground, with the pin's
// internal pull-up: released reads High, pressed reads Low. Contacts bounce
// for a few milliseconds on every press and release, so a level counts only
// once the pin has had no edge for the debounce window (DefaultDebounce,
// 20 ms): every edge restarts the window, and when it runs out the pin is
// read and compared with the last reported level. Consequences:
//
//   - a bouncing press gives exactly one press event, and its release one
//     release event;
//   - a pulse shorter than the window (a press and release both within
//     20 ms, or a spike picked up on a long cable) is ignored: when the
//     window runs out the pin reads what it read before;
//   - an event is delivered one window after the last bounce, but its Time
//     is when the change began (the first edge of its burst), so tap tempo
//     is not skewed by the bounce or by the window.
//
// # Threads and owners
//
// A Footswitch has one goroutine of its own that waits for pin edges and
// stamps them with the Clock; the window runs out in a Clock timer
// callback. Both share the debouncer under the Footswitch's mutex, and
// neither blocks on the caller: events go into a buffered channel, and an
// event that finds it full is dropped and counted (Dropped). One goroutine
// (the session goroutine) reads Events; Close may be called from any
// goroutine.
//
// An LED has no goroutine: its caller drives it, typically from the session
// goroutine's 5 ms tick, with Beat (the transport's position in beats) or
// On/Off, and Error to blink it fast. The error blink is timed by the
// Clock, so while Error is on something must call Update (or Beat, On,
// Off) at least every 20 ms. The methods are safe from any goroutine.
//
// Nothing here runs on the audio thread. Tests inject a Clock and use
// periph's gpiotest pins, so no test needs real time or real hardware.
//
// Nil *Footswitch and *LED values are valid and do nothing: Events returns
// a nil channel (a select case that never fires), the LED methods return
// nil. So a caller can use what Open returns without checking which pins
// were configured.
package gpio
