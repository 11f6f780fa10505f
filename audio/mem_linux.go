package audio

import (
	"syscall"
	"unsafe"
)

// mapSamples maps size bytes of pre-faulted anonymous memory, or returns nil.
func mapSamples(size int) []byte {
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
	if err != nil {
		return nil
	}
	return mem
}

// unmapSamples returns pages mapped by mapSamples to the system: all of a
// mapping, or some whole pages of one (a buffer carved from a chunk), which
// syscall.Munmap refuses (it only unmaps whole mappings it made).
func unmapSamples(mem []byte) {
	syscall.Syscall(syscall.SYS_MUNMAP, uintptr(unsafe.Pointer(unsafe.SliceData(mem))), uintptr(len(mem)), 0)
}
