package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/geo"
	"github.com/ocopvn/ocop/internal/importer"
	"github.com/ocopvn/ocop/internal/seed"
)

func seedCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	n := fs.Int("products", seed.DefaultProducts, "number of demo products")
	accounts := fs.Bool("demo-accounts", false, "also create demo accounts for every role (development only)")
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
	res, err := seed.Run(ctx, pool, seed.Options{Products: *n})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo catalog: %s; revoked %d; already seeded %d (left as they are)\n", res.Import, res.Revoked, res.Skipped)
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
	sum, err := importer.Import(ctx, pool, sheet, importer.Options{SkipInvalid: *skip, Publish: true})
	for _, e := range sum.Errors {
		fmt.Fprintln(stdout, e.Error())
	}
	for _, w := range sum.Warnings {
		fmt.Fprintln(stdout, "cần xem lại (check): "+w.Error())
	}
	fmt.Fprintln(stdout, sum)
	if errors.Is(err, importer.ErrInvalidRows) {
		return fmt.Errorf("nothing imported: %d invalid rows (fix them, or use -skip-invalid)", sum.Rejected)
	}
	return err
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
	return nil
}
