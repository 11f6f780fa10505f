package audio

import "syscall"

// mapSamples maps size bytes of pre-faulted anonymous memory, or returns nil.
func mapSamples(size int) []byte {
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
	if err != nil {
		return nil
	}
	return mem
}

// unmapSamples returns pages mapped by mapSamples to the system.
func unmapSamples(mem []byte) { syscall.Munmap(mem) }
