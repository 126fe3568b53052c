// Package image builds the suite's OCI image from the static binary alone: no base image is
// pulled, so the image holds exactly the binary, the CA certificates it needs to reach HTTPS
// targets, and a nonroot user's reports directory, and building it needs no registry, no
// daemon and no root.
package image

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's fixed facts, which the Kubernetes manifests and the README repeat.
const (
	// Binary is where the binary lives in the image, and the entrypoint.
	Binary = "/conformance"
	// Reports is the reports directory, a volume, owned by User.
	Reports = "/reports"
	// User is the nonroot uid and gid (distroless' "nonroot").
	User = "65532:65532"
	uid  = 65532
)

// Options says what goes into the image.
type Options struct {
	Binary  string // path of the static conformance binary
	CACerts string // path of a PEM bundle, installed as /etc/ssl/certs/ca-certificates.crt
	OS      string // the binary's GOOS
	Arch    string // the binary's GOARCH
	Version string // org.opencontainers.image.version, e.g. a VCS revision; may be empty
}

// epoch is every file's modification time and the image's creation time, so the same binary
// gives the same image digest.
var epoch = time.Unix(0, 0).UTC()

// Build assembles the image: one layer on empty.Image, OCI media types, the binary as its
// entrypoint, `run --report-dir /reports` as its default arguments, the nonroot user.
func Build(o Options) (v1.Image, error) {
	bin, err := os.ReadFile(o.Binary)
	if err != nil {
		return nil, fmt.Errorf("image: the binary: %w", err)
	}
	certs, err := os.ReadFile(o.CACerts)
	if err != nil {
		return nil, fmt.Errorf("image: the CA certificates (HTTPS targets need them): %w", err)
	}
	layerTar, err := files([]file{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/passwd", mode: 0o644, body: []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		{name: "etc/group", mode: 0o644, body: []byte("root:x:0:\nnonroot:x:65532:\n")},
		{name: "etc/ssl/", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, body: certs},
		{name: "home/", mode: 0o755, dir: true},
		{name: "home/nonroot/", mode: 0o700, dir: true, owner: uid},
		{name: "tmp/", mode: 0o1777, dir: true},
		{name: Reports[1:] + "/", mode: 0o700, dir: true, owner: uid},
		{name: Binary[1:], mode: 0o755, body: bin},
	})
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img, err := mutate.Append(mutate.MediaType(empty.Image, types.OCIManifestSchema1), mutate.Addendum{
		Layer:     layer,
		History:   v1.History{Created: v1.Time{Time: epoch}, CreatedBy: "conformance-image: " + Binary, Comment: "the static conformance binary"},
		MediaType: types.OCILayer,
	})
	if err != nil {
		return nil, err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture, cfg.Created = o.OS, o.Arch, v1.Time{Time: epoch}
	cfg.Config = v1.Config{
		Entrypoint: []string{Binary},
		Cmd:        []string{"run", "--report-dir", Reports},
		User:       User,
		WorkingDir: Reports,
		Env:        []string{"HOME=/home/nonroot", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"},
		Volumes:    map[string]struct{}{Reports: {}},
		Labels: map[string]string{
			"org.opencontainers.image.title":       "conformance",
			"org.opencontainers.image.description": "contract tests for documented cloud APIs",
			"org.opencontainers.image.source":      "https://github.com/conformance-suite/conformance",
			"org.opencontainers.image.version":     o.Version,
		},
	}
	return mutate.ConfigFile(img, cfg)
}

// WriteTarball writes the image as a tarball `docker load` and `podman load` read, tagged ref.
func WriteTarball(path, ref string, img v1.Image) error {
	tag, err := parseTag(ref)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(path, tag, img)
}

// WriteLayout writes the image as an OCI image layout directory (skopeo, crane, podman
// `oci:DIR`), replacing what was there.
func WriteLayout(dir string, img v1.Image) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	return p.AppendImage(img)
}

type file struct {
	name  string
	mode  int64
	dir   bool
	owner int
	body  []byte
}

// files renders the layer: directories before their contents, fixed times and owners.
func files(fs []file) ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range fs {
		h := &tar.Header{Name: f.name, Mode: f.mode, ModTime: epoch, Uid: f.owner, Gid: f.owner, Format: tar.FormatPAX}
		if f.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
