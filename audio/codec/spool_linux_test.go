package codec

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// mountTmpfs mounts a tmpfs with flags and options on a new temporary
// folder for the test, and unmounts it at the end. Skipped unless root (CI
// runs as root).
func mountTmpfs(t *testing.T, flags uintptr, options string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root, to mount a tmpfs")
	}
	dir := t.TempDir()
	if err := unix.Mount("gridbox-test", dir, "tmpfs", flags, options); err != nil {
		t.Skipf("cannot mount a tmpfs (%v): needs CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, 0); err != nil {
			t.Errorf("unmounting %s: %v", dir, err)
		}
	})
	return dir
}

// used returns the bytes in use on the file system of dir.
func used(t *testing.T, dir string) int64 {
	t.Helper()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Blocks-st.Bfree) * st.Bsize
}

// TestSpoolFullDisk: on a tmpfs of 512 KiB, a file whose decoded copy fits
// takes its space while the Spooled is open and gives all of it back on
// Close; one whose copy does not fit fails with the system's "no space left
// on device", and leaves neither a file nor a used byte.
func TestSpoolFullDisk(t *testing.T) {
	dir := mountTmpfs(t, 0, "size=512k")
	src := t.TempDir()
	stereo := []string{"-c", "2", "-r", "44100", "-b", "16"}
	sox(t, src, "1s.flac", stereo, "1", "pinknoise")
	sox(t, src, "5s.flac", stereo, "5", "pinknoise")
	if n := used(t, dir); n != 0 {
		t.Fatalf("a new tmpfs uses %d bytes", n)
	}
	s, _, err := Spool(os.DirFS(src), "1s.flac", dir)
	if err != nil {
		t.Fatal(err)
	}
	emptyDir(t, "1s.flac", dir)
	if n, want := used(t, dir), int64(44100*4); n < want {
		t.Errorf("1 s spooled: %d bytes in use, want at least %d", n, want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := used(t, dir); n != 0 {
		t.Errorf("after Close: %d bytes still in use", n)
	}

	_, _, err = Spool(os.DirFS(src), "5s.flac", dir)
	if want := fmt.Sprintf(`codec: "5s.flac": writing its decoded copy in %q: no space left on device`, dir); err == nil || err.Error() != want || !errors.Is(err, unix.ENOSPC) {
		t.Errorf("5 s on 512 KiB: %v, want %s", err, want)
	}
	emptyDir(t, "5s.flac", dir)
	if n := used(t, dir); n != 0 {
		t.Errorf("after a failed Spool: %d bytes in use", n)
	}
}

// TestSpoolReadOnlyDir: a folder that cannot be written fails Spool in the
// system's words and stays empty: a read-only tmpfs as root (who may write
// to any folder whatever its permissions), a folder without write
// permission otherwise.
func TestSpoolReadOnlyDir(t *testing.T) {
	var dir, want string
	var is error
	if os.Geteuid() == 0 {
		dir, want, is = mountTmpfs(t, unix.MS_RDONLY, "size=64k"), "read-only file system", unix.EROFS
	} else {
		dir, want, is = t.TempDir(), "permission denied", unix.EACCES
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
	}
	_, _, err := Spool(os.DirFS("testdata"), "sine1k_mono_44k.mp3", dir)
	if err == nil || err.Error() != fmt.Sprintf(`codec: "sine1k_mono_44k.mp3": writing its decoded copy in %q: %s`, dir, want) || !errors.Is(err, is) {
		t.Errorf("Spool to a read-only folder: %v", err)
	}
	emptyDir(t, "read-only", dir)
}
