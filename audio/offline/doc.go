// Package offline is a pull-based audio.Device on a virtual clock: nothing
// plays until the caller asks for frames with Pull, and time is simply the
// number of frames pulled. There is no goroutine and no real time, so a test
// can render minutes of audio in milliseconds and get the same samples every
// run. It doubles as the renderer behind `gridbox render`, which pulls blocks
// and writes them to a WAV file.
//
// Block size: Render is always called with exactly Block frames, never a
// partial block, so the Renderer sees the same block size as on a live
// device. A Pull that ends in the middle of a block keeps the rest of that
// block for the next Pull.
//
// Input: Feed gives the device an audio input read from a Source (a WAV
// file, for `gridbox render --input`): before each Render it hands the
// block's frames of the source to an audio.InputSink, so input frame k is
// source frame k exactly, on the same virtual clock; the device is an
// audio.Capturer with no latency.
//
// Threading: Start, Pull and Close belong to one goroutine (the caller is the
// "device thread", and Render runs inside Pull on it). Stats is safe from any
// goroutine.
package offline
