package demo

import "math/bits"

// mix64 is the splitmix64 finaliser: a cheap, well-mixed hash of one word.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// perm is a keyed bijection on [0, n): a 4-round balanced Feistel network
// over the smallest even number of bits that covers n, with cycle walking.
// It needs no memory, so registries of any size can be shuffled, and it is
// invertible, so a row can be found from its rank and a rank from its row.
type perm struct {
	n    uint64
	half uint
	mask uint64
	key  uint64
}

func newPerm(n int, key uint64) perm {
	b := uint(bits.Len64(uint64(n)))
	if b < 2 {
		b = 2
	}
	if b%2 == 1 {
		b++
	}
	return perm{n: uint64(n), half: b / 2, mask: 1<<(b/2) - 1, key: mix64(key)}
}

func (p perm) f(x uint64, round int) uint64 {
	return mix64(x^p.key^uint64(round+1)*0x9e3779b97f4a7c15) & p.mask
}

func (p perm) encOnce(x uint64) uint64 {
	l, r := x>>p.half, x&p.mask
	for i := 0; i < 4; i++ {
		l, r = r, l^p.f(r, i)
	}
	return l<<p.half | r
}

func (p perm) decOnce(x uint64) uint64 {
	l, r := x>>p.half, x&p.mask
	for i := 3; i >= 0; i-- {
		l, r = r^p.f(l, i), l
	}
	return l<<p.half | r
}

// enc maps x in [0, n) to its image in [0, n).
func (p perm) enc(x int) int {
	if p.n <= 1 {
		return x
	}
	y := p.encOnce(uint64(x))
	for y >= p.n {
		y = p.encOnce(y)
	}
	return int(y)
}

// dec is the inverse of enc.
func (p perm) dec(y int) int {
	if p.n <= 1 {
		return y
	}
	x := p.decOnce(uint64(y))
	for x >= p.n {
		x = p.decOnce(x)
	}
	return int(x)
}

// plan assigns planted defects to the rows of one registry. Rows are ranked
// by a keyed permutation; ranks [start[k], start[k+1]) carry segment k, and
// ranks from start[len(names)] on are clean. Every row is in at most one
// segment, so every planted count is exact.
type plan struct {
	n     int
	p     perm
	names []string
	start []int
}

type seg struct {
	name  string
	count int
}

func newPlan(n int, key uint64, segs ...seg) *plan {
	pl := &plan{n: n, p: newPerm(n, key), start: []int{0}}
	at := 0
	for _, s := range segs {
		c := s.count
		if at+c > n {
			c = n - at
		}
		at += c
		pl.names = append(pl.names, s.name)
		pl.start = append(pl.start, at)
	}
	return pl
}

// of returns the segment of row i (-1 when clean) and the row's offset in it.
func (pl *plan) of(i int) (int, int) {
	rank := pl.p.enc(i)
	for k := range pl.names {
		if rank < pl.start[k+1] {
			return k, rank - pl.start[k]
		}
	}
	return -1, 0
}

func (pl *plan) index(name string) int {
	for k, n := range pl.names {
		if n == name {
			return k
		}
	}
	panic("demo: unknown plan segment " + name)
}

// count is the number of rows in a segment.
func (pl *plan) count(name string) int {
	k := pl.index(name)
	return pl.start[k+1] - pl.start[k]
}

// row returns the row that holds offset off of a segment.
func (pl *plan) row(name string, off int) int {
	return pl.p.dec(pl.start[pl.index(name)] + off)
}

// clean is the number of rows that are in no segment.
func (pl *plan) clean() int { return pl.n - pl.start[len(pl.names)] }

// cleanRow returns the c-th clean row, c in [0, clean()).
func (pl *plan) cleanRow(c int) int { return pl.p.dec(pl.start[len(pl.names)] + c) }

// seg returns the segment name of row i ("" when clean) and its offset.
func (pl *plan) seg(i int) (string, int) {
	k, off := pl.of(i)
	if k < 0 {
		return "", 0
	}
	return pl.names[k], off
}
