// Package sampling holds how a dataset may be sampled (the settings a
// config gives, checked here) and what makes sampled metrics honest
// estimates: confidence intervals with the finite-population correction.
package sampling

import "math"

// z95 is the two-sided 95% normal quantile.
const z95 = 1.959963984540054

// Wilson is the 95% Wilson score interval for a proportion of successes in
// n sampled units, with the finite population correction when the
// population size N is known (N < 0: unknown, no correction). Sampling the
// whole population gives a zero-width interval, as it should: there is
// nothing left to estimate.
func Wilson(successes, n, N, sampled int64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	p := float64(successes) / float64(n)
	fpc := 1.0
	if N > 0 && sampled > 0 && sampled <= N {
		fpc = float64(N-sampled) / float64(N)
		if N > 1 {
			fpc = float64(N-sampled) / float64(N-1)
		}
	}
	if fpc <= 0 {
		return p, p
	}
	// The correction shrinks the variance; it acts as a larger n.
	z2 := z95 * z95 * fpc
	nf := float64(n)
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := math.Sqrt(z2) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / den
	return math.Max(0, center-half), math.Min(1, center+half)
}
