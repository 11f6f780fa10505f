package show

import "testing"

func TestByteSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 1: "1 byte", 58: "58 bytes", 1500: "2 kB", 1_200_000: "1.2 MB",
		300_000_000: "300 MB", 1_234_000_000: "1.2 GB", 33_177_600_058: "33.2 GB",
	} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
}
