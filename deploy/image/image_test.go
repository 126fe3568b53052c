package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/conformance-suite/conformance/deploy/image"
)

// buildBinary builds the suite's binary statically, as `make image` does.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "conformance")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/conformance")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the static binary: %v\n%s", err, out)
	}
	return bin
}

// The image as make image writes it: one OCI layer on nothing, the binary as its
// entrypoint, the nonroot user, /reports a volume that user owns, CA certificates for HTTPS
// targets, a static binary (no interpreter to find in an image without libc), and the same
// digest when built twice. Then, where a docker daemon answers, it runs.
func TestImage(t *testing.T) {
	bin := buildBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary is dynamically linked: build it with CGO_ENABLED=0")
		}
	}
	f.Close()
	certs := "/etc/ssl/certs/ca-certificates.crt"
	if _, err := os.Stat(certs); err != nil {
		t.Skipf("no CA bundle at %s to put in the image", certs)
	}
	dir := t.TempDir()
	tarPath, layoutDir := filepath.Join(dir, "image.tar"), filepath.Join(dir, "oci")
	built, err := image.Build(image.Options{Binary: bin, CACerts: certs, OS: runtime.GOOS, Arch: runtime.GOARCH, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := image.WriteTarball(tarPath, image.Ref, built); err != nil {
		t.Fatal(err)
	}
	if err := image.WriteLayout(layoutDir, built); err != nil {
		t.Fatal(err)
	}
	// The OCI layout holds the image as built; the tarball, docker's format, the same config.
	idx, err := layout.ImageIndexFromPath(layoutDir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil || len(m.Manifests) != 1 || m.Manifests[0].MediaType != types.OCIManifestSchema1 {
		t.Fatalf("the OCI layout holds %v (%v), want one OCI image", m, err)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := tarball.ImageFromPath(tarPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustConfigName(t, img), mustConfigName(t, loaded); a != b {
		t.Errorf("the tarball's config %s differs from the layout's %s", b, a)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Config
	if !slices.Equal(c.Entrypoint, []string{image.Binary}) || !slices.Equal(c.Cmd, []string{"run", "--report-dir", image.Reports}) {
		t.Errorf("entrypoint %q, cmd %q", c.Entrypoint, c.Cmd)
	}
	if c.User != image.User {
		t.Errorf("user %q, want %q", c.User, image.User)
	}
	if _, ok := c.Volumes[image.Reports]; !ok || len(c.Volumes) != 1 {
		t.Errorf("volumes %v, want %s alone", c.Volumes, image.Reports)
	}
	if cfg.OS != runtime.GOOS || cfg.Architecture != runtime.GOARCH {
		t.Errorf("platform %s/%s", cfg.OS, cfg.Architecture)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers (%v), want the binary's one: no base image", len(layers), err)
	}
	if mt, _ := layers[0].MediaType(); mt != types.OCILayer {
		t.Errorf("layer media type %s", mt)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	entries := map[string]*tar.Header{}
	var binBytes []byte
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries[strings.TrimSuffix(h.Name, "/")] = h
		if h.Name == image.Binary[1:] {
			binBytes, _ = io.ReadAll(tr)
		}
	}
	want, _ := os.ReadFile(bin)
	if h := entries[image.Binary[1:]]; h == nil || h.Mode&0o111 == 0 || !bytes.Equal(binBytes, want) {
		t.Errorf("the layer's %s is not the executable binary: %+v", image.Binary, h)
	}
	if h := entries[image.Reports[1:]]; h == nil || h.Typeflag != tar.TypeDir || h.Uid != 65532 {
		t.Errorf("the layer's %s is not a directory of uid 65532: %+v", image.Reports, h)
	}
	if entries["etc/ssl/certs/ca-certificates.crt"] == nil {
		t.Error("the layer has no CA certificates: HTTPS targets would fail")
	}
	// A second build of the same binary gives the same digest.
	digest := m.Manifests[0].Digest
	again, err := image.Build(image.Options{Binary: bin, CACerts: certs, OS: runtime.GOOS, Arch: runtime.GOARCH, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := again.Digest(); d != digest {
		t.Errorf("two builds of one binary: %s and %s, want one digest", digest, d)
	}
	runWithDocker(t, tarPath)
}

func mustConfigName(t *testing.T, img v1.Image) v1.Hash {
	t.Helper()
	h, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// runWithDocker loads the image and runs it where a docker daemon answers: its help, then a
// run against the built-in reference target writing its reports into the /reports volume.
func runWithDocker(t *testing.T, tarPath string) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("docker is not installed: the image was inspected but not run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, docker, "version", "--format", "{{.Server.Version}}").CombinedOutput(); err != nil {
		t.Skipf("no docker daemon answers (%s): the image was inspected but not run", strings.TrimSpace(string(out)))
	}
	if out, err := exec.CommandContext(ctx, docker, "load", "-i", tarPath).CombinedOutput(); err != nil {
		t.Fatalf("docker load: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(ctx, docker, "run", "--rm", image.Ref, "help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "usage: conformance") {
		t.Fatalf("docker run %s help: %v\n%s", image.Ref, err, out)
	}
	reports := t.TempDir()
	if err := os.Chmod(reports, 0o777); err != nil { // the container's user is 65532
		t.Fatal(err)
	}
	out, err = exec.CommandContext(ctx, docker, "run", "--rm", "-v", reports+":"+image.Reports, image.Ref,
		"run", "--report-dir", image.Reports, "--label-filter", "zstack").CombinedOutput()
	if err != nil {
		t.Fatalf("docker run %s run: %v\n%s", image.Ref, err, out)
	}
	if _, err := os.Stat(filepath.Join(reports, "report.json")); err != nil {
		t.Errorf("the run in the container wrote no report.json into the volume: %v\n%s", err, out)
	}
}
