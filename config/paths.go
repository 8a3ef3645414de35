package config

import "path/filepath"

// Path resolves p, a path written in the config, against the config's
// folder: a config means the same whichever folder dq is started from.
// An absolute path, and "", stay as they are.
func (c *Config) Path(p string) string { return resolve(c.Dir, p) }

// Path resolves p, a path in the source's settings (a file source's
// root:), against the folder of the config it was written in.
func (s Source) Path(p string) string { return resolve(s.Dir, p) }

func resolve(dir, p string) string {
	if p == "" || dir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// resolvePaths makes the paths the file wrote relative to its folder,
// before overrides (typed on the command line or set in DQ_*, so relative
// to the working directory) replace any of them. Defaults are not paths
// the file wrote: out/scorecards is under the working directory, as
// without a config.
func (c *Config) resolvePaths() {
	c.Output.Dir = c.Path(c.Output.Dir)
	c.History.Dir = c.Path(c.History.Dir)
	c.Engine.TempDir = c.Path(c.Engine.TempDir)
	if c.Demo != nil {
		c.Demo.Dir = c.Path(c.Demo.Dir)
	}
	for name, r := range c.References {
		r.File = c.Path(r.File)
		c.References[name] = r
	}
	for name, s := range c.Sources {
		s.Dir = c.Dir
		c.Sources[name] = s
	}
}
