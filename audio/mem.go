package audio

import (
	"sync"
	"unsafe"
)

// Sample memory: decoded samples are the bulk of a set (hundreds of MB for a
// large one) and live as long as the process. They are carved from big
// chunks that the kernel maps and pre-faults in one call (MAP_POPULATE on
// Linux), outside the Go heap: first-touch page faults on that much memory
// cost more than decoding it (measured ~11 µs per 4 KiB page on the CI VM),
// the garbage collector never scans or zeroes it, and a voice's first
// playback can never page-fault on the audio thread. It is never returned to
// the system.

const (
	chunkSize    = 64 << 20 // bytes mapped at a time
	minArenaSize = 256 << 10
)

var arena struct {
	sync.Mutex
	free []byte // the rest of the current chunk
}

// MakeSamples returns a zeroed slice of n float32 samples for decoded audio.
// Large slices come from pre-faulted sample memory that is never freed (see
// above), so use it only for buffers that live as long as the set; small ones
// come from the Go heap. It runs on the control side.
func MakeSamples(n int) []float32 {
	if mem := arenaBytes(4 * n); mem != nil {
		return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(mem))), n)
	}
	return make([]float32, n)
}

// MakePCM16 is MakeSamples for 16-bit samples.
func MakePCM16(n int) []int16 {
	if mem := arenaBytes(2 * n); mem != nil {
		return unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(mem))), n)
	}
	return make([]int16, n)
}

// arenaBytes returns size bytes of sample memory (8-byte aligned), or nil
// when size is small or the system refuses.
func arenaBytes(size int) []byte {
	if size < minArenaSize {
		return nil
	}
	arena.Lock()
	defer arena.Unlock()
	if size >= chunkSize {
		return mapSamples(size) // a big buffer gets a mapping of its own
	}
	if size > len(arena.free) {
		if arena.free = mapSamples(chunkSize); arena.free == nil {
			return nil
		}
	}
	mem := arena.free[:size:size]
	arena.free = arena.free[(size+7)&^7:]
	return mem
}
