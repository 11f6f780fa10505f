package show

import (
	"os"
	"path/filepath"
	"syscall"
)

// freeSpace returns the bytes an unprivileged user may still write on the
// file system that holds dir.
func freeSpace(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return available(&st), nil
}

// freeSpaceOf is freeSpace for the file system that holds the open file f.
func freeSpaceOf(f *os.File) (int64, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var st syscall.Statfs_t
	if cerr := rc.Control(func(fd uintptr) { err = syscall.Fstatfs(int(fd), &st) }); cerr != nil {
		return 0, cerr
	}
	if err != nil {
		return 0, err
	}
	return available(&st), nil
}

func available(st *syscall.Statfs_t) int64 {
	unit := int64(st.Frsize) // f_bavail counts fragments
	if unit <= 0 {
		unit = int64(st.Bsize)
	}
	return int64(st.Bavail) * unit
}

// mountPoint returns the folder where the file system that holds dir is
// mounted (the last folder up from dir on the same device), for messages;
// dir itself when that cannot be told.
func mountPoint(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	var st syscall.Stat_t
	if syscall.Stat(dir, &st) != nil {
		return dir
	}
	for dir != "/" {
		parent := filepath.Dir(dir)
		var pst syscall.Stat_t
		if syscall.Stat(parent, &pst) != nil || pst.Dev != st.Dev {
			break
		}
		dir = parent
	}
	return dir
}

// appending reports whether f was opened with O_APPEND (">>" in a shell),
// where a seek back to patch the WAV's sizes would append them instead.
func appending(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	var flags uintptr
	var errno syscall.Errno
	rc.Control(func(fd uintptr) { flags, _, errno = syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0) })
	return errno == 0 && flags&syscall.O_APPEND != 0
}
