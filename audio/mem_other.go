//go:build !linux

package audio

func mapSamples(size int) []byte { return nil }

func unmapSamples(mem []byte) {}
