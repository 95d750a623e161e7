package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/geo"
	"github.com/ocopvn/ocop/internal/importer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/progress"
	"github.com/ocopvn/ocop/internal/searchsync"
	"github.com/ocopvn/ocop/internal/seed"
	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/media/photo"
)

func seedCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	n := fs.Int("products", seed.DefaultProducts, "number of demo products")
	accounts := fs.Bool("demo-accounts", false, "also create demo accounts for every role (development only)")
	photos := fs.Bool("photos", true, "draw an illustrative photo for every product seeded (through the photo pipeline and media store)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *accounts && cfg.Production() {
		// refused before anything is written: a known password would be a
		// hole, and demo products do not belong in production either
		return errDemoInProduction
	}
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	o := seed.Options{Products: *n, ImportProgress: progressOf(stdout, "sản phẩm mẫu (demo products)")}
	if *photos {
		store, err := app.OpenMedia(ctx, cfg, app.NewLogger(cfg, io.Discard))
		if err != nil {
			return err
		}
		o.Photos = product.NewPhotos(pool, store, photo.New(store, photo.Options{}), nil)
		var bar *progress.Bar
		o.Progress = func(done, total int) {
			if bar == nil {
				bar = progress.New(stdout, "ảnh minh hoạ (demo photos)", total)
			}
			bar.Set(done)
		}
	}
	res, err := seed.Run(ctx, pool, o)
	if err != nil {
		return err
	}
	im := res.Import
	fmt.Fprintf(stdout, "sản phẩm mẫu: tạo mới %d, cập nhật %d, không đổi %d, bị từ chối %d; thu hồi %d; đã có từ trước %d (giữ nguyên); %d ảnh minh hoạ "+
		"(demo catalog: created %d, updated %d, unchanged %d, rejected %d; revoked %d; already seeded %d, left as they are; %d illustrative photos)\n",
		im.Created, im.Updated, im.Unchanged, im.Rejected, res.Revoked, res.Skipped, res.Photos,
		im.Created, im.Updated, im.Unchanged, im.Rejected, res.Revoked, res.Skipped, res.Photos)
	added, err := seed.Showrooms(ctx, pool, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "điểm bán mẫu: thêm %d (demo showrooms added)\n", added)
	fairAdded, err := seed.Fairs(ctx, pool, nil)
	if err != nil {
		return err
	}
	if fairAdded {
		fmt.Fprintln(stdout, "hội chợ mẫu: đã thêm hội chợ, đơn vị tham gia và khuyến mại (demo fair, exhibitors and promotion added)")
	}
	if *accounts {
		return seedDemoAccounts(ctx, pool, cfg.Production(), stdout)
	}
	return nil
}

// errDemoInProduction refuses the demo accounts in production.
var errDemoInProduction = errors.New("demo accounts are for development only (OCOP_ENV=production): nothing was written")

func importCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	skip := fs.Bool("skip-invalid", false, "import the valid rows and report the others")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errUsage
	}
	sheet, err := importer.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	sum, err := importer.Import(ctx, pool, sheet, importer.Options{SkipInvalid: *skip, Publish: true,
		Progress: progressOf(stdout, "nhập sản phẩm (import)")})
	for _, e := range sum.Errors {
		fmt.Fprintln(stdout, e.Error())
	}
	for _, w := range sum.Warnings {
		fmt.Fprintln(stdout, "cần xem lại (check): "+w.Error())
	}
	fmt.Fprintln(stdout, sum)
	if err == nil && sum.Created+sum.Updated > 0 {
		// the server's search sync applies the changes in batches: say how
		// many are still to come, so nobody wonders why a product is not
		// found yet
		if n, perr := searchsync.Pending(ctx, pool); perr == nil && n > 0 {
			fmt.Fprintf(stdout, "đang cập nhật chỉ mục tìm kiếm: %s sản phẩm, máy chủ tự cập nhật sau vài giây (search index catching up: %d products; the server applies them shortly)\n",
				vntext.Number(int64(n)), n)
		}
	}
	if errors.Is(err, importer.ErrInvalidRows) {
		return fmt.Errorf("không nhập gì: %d dòng không hợp lệ, hãy sửa hoặc dùng -skip-invalid (nothing imported: %d invalid row(s); fix them, or use -skip-invalid)",
			sum.Rejected, sum.Rejected)
	}
	return err
}

// importTemplateCmd prints the import template: ocop import -template
// [-format csv|xlsx] > mau.csv.
func importTemplateCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.Bool("template", true, "print an import template instead of importing")
	format := fs.String("format", "csv", "template format: csv or xlsx")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || (*format != "csv" && *format != "xlsx") {
		return errUsage
	}
	return importer.WriteTemplate(stdout, *format, time.Now())
}

func geoImportCmd(ctx context.Context, cfg config.Config, path string, stdout io.Writer) error {
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	sum, err := geo.ImportFile(ctx, pool, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "administrative units: %d provinces, %d communes, %d changed\n", sum.Provinces, sum.Communes, sum.Changed)
	// the communes' centre points, when the file is beside the JSON
	n, ok, err := geo.LoadCentroidsBeside(ctx, pool, path)
	if err != nil {
		return err
	}
	if ok {
		fmt.Fprintf(stdout, "commune centre points: %d communes\n", n)
	}
	return nil
}

// progressOf returns a progress callback that shows a bar (or plain
// lines off a terminal) on w once the work is long enough to be worth
// one: a thousand items or more.
func progressOf(w io.Writer, what string) func(done, total int) {
	var bar *progress.Bar
	return func(done, total int) {
		if total < 1000 {
			return
		}
		if bar == nil {
			bar = progress.New(w, what, total)
		}
		bar.Set(done)
	}
}
