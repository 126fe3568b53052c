//go:build race

package runner

// raceEnabled: the race detector changes allocation (sync.Pool drops items at random), so
// memory bounds are not measured under it.
const raceEnabled = true
