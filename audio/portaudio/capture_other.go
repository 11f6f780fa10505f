//go:build portaudio && !linux

package portaudio

// captureStderr only redirects stderr on Linux; elsewhere it just runs fn.
func captureStderr(fn func()) string {
	fn()
	return ""
}
