package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/geo"
	"github.com/ocopvn/ocop/internal/report"
)

// geoLegacyCmd loads the commune → former district map (and the list of
// former districts beside it).
func geoLegacyCmd(ctx context.Context, cfg config.Config, path string, stdout io.Writer) error {
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	sum, err := geo.LoadLegacyFiles(ctx, pool, path)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "huyện cũ: "+sum.String())
	return nil
}

// planImportCmd imports a province's plan for a year; any row error and
// nothing is written.
func planImportCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plan import", flag.ContinueOnError)
	year := fs.Int("year", 0, "the plan's year")
	province := fs.String("province", "", "the province's code")
	coop := fs.Int("coop", -1, "target share of cooperatives among OCOP producers, percent (optional)")
	enterprise := fs.Int("enterprise", -1, "target share of enterprises among OCOP producers, percent (optional)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 || *year == 0 || *province == "" {
		return errUsage
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	in := report.PlanInput{Province: *province, Year: *year, File: f, Format: strings.TrimPrefix(filepath.Ext(fs.Arg(0)), "."),
		FileName: filepath.Base(fs.Arg(0)), Actor: audit.Actor{ActingAs: audit.AsSystem}}
	if *coop >= 0 {
		in.CoopSharePct = coop
	}
	if *enterprise >= 0 {
		in.EnterpriseSharePct = enterprise
	}
	rows, errs, err := report.New(pool, nil).ImportPlan(ctx, in)
	for _, e := range errs {
		fmt.Fprintln(stdout, e.Error())
	}
	if errors.Is(err, report.ErrPlanRows) {
		return fmt.Errorf("nothing imported: %d row errors", len(errs))
	}
	if err != nil {
		return err
	}
	total := 0
	for _, r := range rows {
		if r.Locality.Kind != report.KindProvince {
			total += r.Total
		}
	}
	fmt.Fprintf(stdout, "kế hoạch %d của tỉnh %s: %d địa phương, %d sản phẩm (plan: localities, products)\n", *year, *province, len(rows), total)
	return nil
}

// reportPlanCmd writes the plan-vs-actual table to stdout.
func reportPlanCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("report plan", flag.ContinueOnError)
	year := fs.Int("year", 0, "the plan's year")
	province := fs.String("province", "", "the province's code")
	format := fs.String("format", "csv", "csv or xlsx")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *year == 0 || *province == "" || (*format != "csv" && *format != "xlsx") {
		return errUsage
	}
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	r, err := report.New(pool, nil).PlanVsActual(ctx, *province, *year)
	if err != nil {
		return err
	}
	return report.WritePlan(stdout, r, *format)
}
