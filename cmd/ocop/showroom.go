package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/sheet"
	"github.com/ocopvn/ocop/internal/showroom"
)

// showroomCmd runs `ocop showroom import|products [-skip-invalid] FILE`:
// the department's showroom sheet, or the products each carries.
func showroomCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) < 1 || (args[0] != "import" && args[0] != "products") {
		return errUsage
	}
	fs := flag.NewFlagSet("showroom "+args[0], flag.ContinueOnError)
	skip := fs.Bool("skip-invalid", false, "import the valid rows and report the others")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errUsage
	}
	read := showroom.ReadShowrooms
	if args[0] == "products" {
		read = showroom.ReadProducts
	}
	sh, err := read(fs.Arg(0))
	if err != nil {
		if msg := sheet.FileProblem(err); msg != "" {
			return fmt.Errorf("%s (%w)", msg, err)
		}
		return err
	}
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	svc := showroom.New(pool, nil)
	o := showroom.ImportOptions{SkipInvalid: *skip}
	var sum showroom.Summary
	if args[0] == "import" {
		sum, err = svc.Import(ctx, sh, o)
	} else {
		sum, err = svc.ImportProducts(ctx, sh, o)
	}
	for _, e := range sum.Errors {
		fmt.Fprintln(stdout, e.Error())
	}
	fmt.Fprintln(stdout, sum)
	if errors.Is(err, showroom.ErrInvalidRows) {
		return fmt.Errorf("không nhập gì: %d dòng không hợp lệ, hãy sửa hoặc dùng -skip-invalid (nothing imported: %d invalid row(s); fix them, or use -skip-invalid)",
			sum.Rejected, sum.Rejected)
	}
	return err
}
