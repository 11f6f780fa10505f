package audio

import (
	"sync"
	"syscall"
	"unsafe"
)

// Sample memory: decoded samples are the bulk of a set (hundreds of MB for a
// large one). Buffers decoded for playback are carved from memory that the
// kernel maps and pre-faults in one call (MAP_POPULATE on Linux), outside the
// Go heap: first-touch page faults on that much memory cost more than
// decoding it (measured ~11 µs per 4 KiB page on the CI VM), the garbage
// collector never scans or zeroes it, and a sample's first playback does not
// fault pages in on the audio thread (locking it in RAM against swap, mlock,
// is the appliance's job). Allocations are page-aligned so that Free can
// return a buffer's pages to the system; otherwise they live as long as the
// process.

const (
	chunkSize    = 64 << 20 // bytes mapped at a time
	minArenaSize = 256 << 10
)

var pageSize = syscall.Getpagesize()

var arena struct {
	sync.Mutex
	free  []byte        // the rest of the current chunk
	sizes map[*byte]int // the pages of each live allocation, by its start
}

// MakeSamples returns a zeroed slice of n float32 samples for decoded audio.
// Large slices come from pre-faulted sample memory that only Free gives
// back (see above), so use it for buffers that live as long as the set, and
// Free them when they go; small ones come from the Go heap. It runs on the control side.
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
	pages := (size + pageSize - 1) &^ (pageSize - 1)
	arena.Lock()
	defer arena.Unlock()
	var mem []byte
	if pages >= chunkSize {
		mem = mapSamples(pages) // a big buffer gets a mapping of its own
	} else {
		if pages > len(arena.free) {
			arena.free = mapSamples(chunkSize)
		}
		if arena.free != nil {
			mem, arena.free = arena.free[:pages:pages], arena.free[pages:]
		}
	}
	if mem == nil {
		return nil
	}
	if arena.sizes == nil {
		arena.sizes = map[*byte]int{}
	}
	arena.sizes[&mem[0]] = pages
	return mem[:size:size]
}

// Free returns b's samples to the system if they came from sample memory
// (MakeSamples, MakePCM16); otherwise it does nothing and the garbage
// collector reclaims them. Nothing may use b's samples afterwards: call it
// only for a buffer that was never handed to the engine, such as the
// original of a resampled sample, or once the engine says nothing plays
// it any more (engine.Player.Uses, after a reload). It runs on the
// control side.
func Free(b *Buffer) {
	var p *byte
	switch {
	case len(b.Data) > 0:
		p = (*byte)(unsafe.Pointer(&b.Data[0]))
	case len(b.PCM16) > 0:
		p = (*byte)(unsafe.Pointer(&b.PCM16[0]))
	default:
		return
	}
	arena.Lock()
	pages, ok := arena.sizes[p]
	delete(arena.sizes, p)
	arena.Unlock()
	if ok {
		unmapSamples(unsafe.Slice(p, pages))
	}
	b.Data, b.PCM16 = nil, nil
}
