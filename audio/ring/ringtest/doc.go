// Package ringtest checks a ring pipeline (a ring.Filler feeding a consumer
// that stands in for an audio device) for continuity and underrun accounting,
// test T5 ("RampTest") of the reliability plan. audio/ring runs it with a Go
// consumer, audio/oto through its io.Reader, and audio/portaudio with its C
// callback's copy routine.
//
// Everything runs in a testing/synctest bubble: time is virtual, so stall
// lengths and underrun counts are exact and the test takes well under a
// second instead of tens.
//
// Threading: RampTest runs the Filler's goroutine and a device goroutine (the
// test's own) inside the bubble; the Consumer is called only from the device
// goroutine, which is the ring's consumer.
package ringtest
