// Command ocop is the OCOP marketplace: the web server and its
// administration commands.
//
//	ocop serve                      serve the storefront and API on $PORT
//	ocop migrate up|down|status     apply, roll back one, or list migrations
//	ocop seed [-products N]         load the demo catalog (idempotent)
//	ocop import [-skip-invalid] F   import certified products from F.csv or F.xlsx
//	ocop geo import F               load provinces and communes from a JSON file
//	ocop reindex                    rebuild the search index from the database
//	ocop create-admin EMAIL|PHONE   create an admin; the password is read from stdin
//
// Every command reads DATABASE_URL; see README.md for the other variables.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"syscall"

	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/producer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ocop:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage: ocop serve | migrate up|down|status | seed [-products N] | import [-skip-invalid] FILE | geo import|legacy FILE | plan import -year Y -province P FILE | report plan -year Y -province P [-format csv|xlsx] | reindex [-check] | create-admin EMAIL < password | grant-staff [-trade] EMAIL|PHONE PROVINCE_CODE...")

// commands is the help: each command's usage and what it does, in
// Vietnamese (English in parentheses).
var commands = []struct{ name, usage, what string }{
	{"serve", "ocop serve", "chạy máy chủ web (serve the storefront, API and console)"},
	{"migrate", "ocop migrate up|down|status", "cập nhật cấu trúc cơ sở dữ liệu (database migrations)"},
	{"seed", "ocop seed [-products N] [-demo-accounts]", "thêm dữ liệu mẫu còn thiếu, không sửa dữ liệu đã có (add the missing demo data)"},
	{"import", "ocop import [-skip-invalid] FILE.csv|xlsx | ocop import -template [-format csv|xlsx] > mau.csv",
		"nhập sản phẩm OCOP từ bảng tính, hoặc in tệp mẫu (import certified products, or print a template)"},
	{"geo", "ocop geo import|legacy FILE", "nạp đơn vị hành chính, huyện cũ (load communes, former districts)"},
	{"showroom", "ocop showroom import|products [-skip-invalid] FILE.csv|xlsx",
		"nạp danh sách điểm bán, hoặc sản phẩm từng điểm bán (import showrooms, or the products they carry)"},
	{"plan", "ocop plan import -year Y -province P FILE", "nạp kế hoạch năm của tỉnh (import a province's yearly plan)"},
	{"report", "ocop report plan -year Y -province P [-format csv|xlsx]", "báo cáo kế hoạch và thực hiện (plan against actual)"},
	{"reindex", "ocop reindex [-check]", "dựng lại hoặc kiểm tra chỉ mục tìm kiếm (rebuild or check the search index)"},
	{"create-admin", "ocop create-admin EMAIL < password", "tạo tài khoản quản trị (create an administrator)"},
	{"grant-staff", "ocop grant-staff [-trade] EMAIL|PHONE PROVINCE_CODE...", "giao quyền cán bộ tỉnh (grant provincial staff rights)"},
}

// printHelp prints the usage of one command, or of all of them.
func printHelp(w io.Writer, command string) {
	for _, c := range commands {
		if c.name == command {
			fmt.Fprintf(w, "%s\n    %s\n", c.usage, c.what)
			return
		}
	}
	fmt.Fprintln(w, "Cách dùng (usage):")
	for _, c := range commands {
		fmt.Fprintf(w, "  %s\n      %s\n", c.usage, c.what)
	}
	fmt.Fprintln(w, "Cấu hình qua biến môi trường, xem README.md (configuration: environment variables, see README.md).")
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" || a == "help" {
			// help needs no configuration and no database
			printHelp(stdout, args[0])
			return nil
		}
	}
	if args[0] == "import" && slices.Contains(args, "-template") {
		// the template needs no configuration and no database
		return importTemplateCmd(args[1:], stdout)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	log := app.NewLogger(cfg, stderr)
	switch args[0] {
	case "serve":
		a, err := app.New(ctx, cfg, log)
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Listen, strconv.Itoa(cfg.Port)))
		if err != nil {
			a.Pool.Close()
			return err
		}
		tctx, stopTuning := context.WithCancel(ctx)
		defer stopTuning()
		go app.TuneMemory(tctx, int64(cfg.MemoryTarget)<<20, log)
		return a.Serve(ctx, ln)
	case "migrate":
		return migrate(ctx, cfg, args[1:], stdout)
	case "seed":
		return seedCmd(ctx, cfg, args[1:], stdout)
	case "import":
		return importCmd(ctx, cfg, args[1:], stdout)
	case "reindex":
		if len(args) == 2 && args[1] == "-check" {
			return reindexCheckCmd(ctx, cfg, log, stdout)
		}
		if len(args) != 1 {
			return errUsage
		}
		return reindexCmd(ctx, cfg, log, stdout)
	case "create-admin":
		if len(args) != 2 {
			return errUsage
		}
		return createAdminCmd(ctx, cfg, log, args[1], stdout)
	case "grant-staff":
		// -trade: trade promotion (fairs, showrooms); else the OCOP office
		kind := producer.StaffOCOPOffice
		if len(args) > 1 && args[1] == "-trade" {
			kind, args = producer.StaffTradePromotion, append(args[:1:1], args[2:]...)
		}
		if len(args) < 3 {
			return errUsage
		}
		return grantStaffCmd(ctx, cfg, args[1], kind, args[2:], stdout)
	case "geo":
		if len(args) != 3 || (args[1] != "import" && args[1] != "legacy") {
			return errUsage
		}
		if args[1] == "legacy" {
			return geoLegacyCmd(ctx, cfg, args[2], stdout)
		}
		return geoImportCmd(ctx, cfg, args[2], stdout)
	case "showroom":
		return showroomCmd(ctx, cfg, args[1:], stdout)
	case "plan":
		if len(args) < 2 || args[1] != "import" {
			return errUsage
		}
		return planImportCmd(ctx, cfg, args[2:], stdout)
	case "report":
		if len(args) < 2 || args[1] != "plan" {
			return errUsage
		}
		return reportPlanCmd(ctx, cfg, args[2:], stdout)
	}
	return errUsage
}

func migrate(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errUsage
	}
	pool, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	p, err := postgres.NewMigrator(pool)
	if err != nil {
		return err
	}
	defer p.Close()
	switch args[0] {
	case "up":
		res, err := p.Up(ctx)
		for _, r := range res {
			fmt.Fprintf(stdout, "applied %s (%s)\n", r.Source.Path, r.Duration)
		}
		if err != nil {
			return err
		}
		// the job queue's tables (River), after ours
		queue, err := postgres.MigrateQueue(ctx, pool)
		for _, v := range queue {
			fmt.Fprintf(stdout, "applied job queue migration %d\n", v)
		}
		if err == nil && len(res) == 0 && len(queue) == 0 {
			fmt.Fprintln(stdout, "database is up to date")
		}
		return err
	case "down":
		r, err := p.Down(ctx)
		if r != nil && r.Source != nil {
			fmt.Fprintf(stdout, "rolled back %s\n", r.Source.Path)
		}
		return err
	case "status":
		st, err := p.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			when := "pending"
			if !s.AppliedAt.IsZero() {
				when = "applied " + s.AppliedAt.Format("2006-01-02 15:04:05")
			}
			fmt.Fprintf(stdout, "%-40s %s\n", s.Source.Path, when)
		}
		return nil
	}
	return errUsage
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w (%v)", errUsage, err)
	}
	return nil
}
