package engine

import "sync/atomic"

// ring is a bounded single-producer/single-consumer queue of pointer-free
// values. push is called by the producer only, pop by the consumer only;
// neither blocks nor allocates. The producer's tail.Store publishes the slot
// it wrote (sync/atomic is sequentially consistent).
type ring[T any] struct {
	_    [64]byte
	head atomic.Uint64 // next slot to read; written by the consumer
	_    [56]byte
	tail atomic.Uint64 // next slot to write; written by the producer
	_    [56]byte
	mask uint64
	buf  []T
}

func (r *ring[T]) push(v T) bool {
	t := r.tail.Load()
	if t-r.head.Load() == uint64(len(r.buf)) {
		return false
	}
	r.buf[t&r.mask] = v
	r.tail.Store(t + 1)
	return true
}

func (r *ring[T]) pop() (v T, ok bool) {
	h := r.head.Load()
	if h == r.tail.Load() {
		return v, false
	}
	v = r.buf[h&r.mask]
	r.head.Store(h + 1)
	return v, true
}
