package admin

import (
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/web"
)

// Routes mounts every page of these screens, each with who may use it
// (web.Access): the staff console, the producer onboarding, the producer
// back-office and its photo pages.
func (h *Handler) Routes(r *web.Router) {
	// staff console (trade-department staff of a province; admins)
	r.Get("/quan-tri", web.Staff, h.showConsole)
	r.Get("/quan-tri/ho-so", web.Staff, h.listApplications)
	r.Get("/quan-tri/ho-so/:application", web.Staff, h.showApplication)
	r.Get("/quan-tri/ho-so/:application/tai-lieu/:document", web.Staff, h.showApplicationDocument)
	r.Post("/quan-tri/ho-so/:application/duyet", web.Staff, h.saveApproval)
	r.Post("/quan-tri/ho-so/:application/yeu-cau-bo-sung", web.Staff, h.saveChangeRequest)
	r.Post("/quan-tri/ho-so/:application/tu-choi", web.Staff, h.saveRejection)
	r.Post("/quan-tri/ho-so/:application/gan-chu-the", web.Staff, h.saveLink)
	r.Get("/quan-tri/chu-the", web.Staff, h.listProducers)
	r.Get("/quan-tri/chu-the/:producer", web.StaffOfProducer, h.showProducerConsole)
	r.Post("/quan-tri/chu-the/:producer/tam-ngung", web.StaffOfProducer, h.saveSuspension)
	r.Post("/quan-tri/chu-the/:producer/mo-lai", web.StaffOfProducer, h.saveReinstatement)
	r.Get("/quan-tri/chu-the/:producer/san-pham/:product/chung-nhan", web.StaffOfProducer, h.showCertificate)
	r.Post("/quan-tri/chu-the/:producer/san-pham/:product/chung-nhan", web.StaffOfProducer, h.saveCertificate)
	r.Get("/quan-tri/nhat-ky", web.Staff, h.showAuditLog)
	r.Get("/quan-tri/han-chung-nhan", web.Staff, h.showDeadlines)
	r.Get("/quan-tri/nhap-quyet-dinh", web.Staff, h.showImport)
	r.Upload("/quan-tri/nhap-quyet-dinh", web.Staff, h.previewImport)
	r.Post("/quan-tri/nhap-quyet-dinh/ghi", web.Staff, h.saveImport)
	r.Get("/quan-tri/thu-hoi", web.Staff, h.showRevoke)
	r.Post("/quan-tri/thu-hoi", web.Staff, h.saveRevoke)
	r.Get("/quan-tri/bao-cao", web.Staff, h.showPlanReport)
	r.Get("/quan-tri/bao-cao/ke-hoach", web.Staff, h.showPlanReport)
	r.Upload("/quan-tri/bao-cao/ke-hoach", web.Staff, h.savePlan)
	r.Get("/quan-tri/bao-cao/san-pham", web.Staff, h.showCertifiedReport)
	r.Get("/quan-tri/bao-cao/bien-dong", web.Staff, h.showYearsReport)
	r.Get("/quan-tri/so-cai", web.Staff, h.showLedger)
	r.Post("/quan-tri/so-cai/chi-tra", web.Staff, h.savePayout)
	r.Post("/quan-tri/so-cai/cai-dat", web.Admin, h.saveMarketplace)
	r.Get("/quan-tri/can-bo", web.Admin, h.showStaffRoles)
	r.Post("/quan-tri/can-bo", web.Admin, h.saveStaffRole)
	r.Post("/quan-tri/tai-khoan", web.Admin, h.saveAccountState)
	if h.showrooms != nil {
		r.Get("/quan-tri/diem-ban", web.Staff, h.listConsoleShowrooms)
		r.Upload("/quan-tri/diem-ban/nhap", web.Staff, h.importShowrooms)
		r.Get("/quan-tri/diem-ban/moi", web.Staff, h.showNewShowroom)
		r.Post("/quan-tri/diem-ban/moi", web.Staff, h.saveNewShowroom)
		r.Get("/quan-tri/diem-ban/:showroom", web.Staff, h.showConsoleShowroom)
		r.Post("/quan-tri/diem-ban/:showroom", web.Staff, h.saveConsoleShowroom)
		r.Post("/quan-tri/diem-ban/:showroom/ngay-dac-biet", web.Staff, h.saveShowroomException)
		r.Post("/quan-tri/diem-ban/:showroom/san-pham", web.Staff, h.saveShowroomProduct)
		r.Upload("/quan-tri/diem-ban/:showroom/kiem-tra", web.Staff, h.saveShowroomInspection)
		r.Upload("/quan-tri/diem-ban/:showroom/anh", web.Staff, h.saveShowroomPhotos)
		r.Post("/quan-tri/diem-ban/:showroom/anh/:photo/xoa", web.Staff, h.removeShowroomPhoto)
		r.Post("/quan-tri/diem-ban/:showroom/don-vi-van-hanh", web.Staff, h.saveShowroomOperator)
	}
	if h.fairs != nil {
		r.Get("/quan-tri/hoi-cho", web.Staff, h.listConsoleFairs)
		r.Get("/quan-tri/hoi-cho/moi", web.Staff, h.showNewFair)
		r.Post("/quan-tri/hoi-cho/moi", web.Staff, h.saveNewFair)
		r.Get("/quan-tri/hoi-cho/:event", web.Staff, h.showConsoleFair)
		r.Post("/quan-tri/hoi-cho/:event", web.Staff, h.saveConsoleFair)
		r.Post("/quan-tri/hoi-cho/:event/trang-thai", web.Staff, h.saveFairStatus)
		r.Post("/quan-tri/hoi-cho/:event/khu", web.Staff, h.saveFairZone)
		r.Get("/quan-tri/hoi-cho/:event/khu/:zone", web.Staff, h.showFairZone)
		r.Post("/quan-tri/hoi-cho/:event/khu/:zone", web.Staff, h.saveFairZoneMeta)
		r.Post("/quan-tri/hoi-cho/:event/khu/:zone/so-do", web.Staff, h.saveFairLayout)
		r.Post("/quan-tri/hoi-cho/:event/khu/:zone/xoa", web.Staff, h.removeFairZone)
		r.Get("/quan-tri/hoi-cho/:event/ho-so", web.Staff, h.listFairApplications)
		r.Post("/quan-tri/hoi-cho/:event/ho-so/:application/duyet", web.Staff, h.reviewFairApplication)
		r.Post("/quan-tri/hoi-cho/:event/ho-so/:application/nop-phi", web.Staff, h.payFairApplication)
		r.Post("/quan-tri/hoi-cho/:event/ho-so/:application/xep-gian", web.Staff, h.assignFairBooth)
		r.Post("/quan-tri/hoi-cho/:event/xep-gian-tu-dong", web.Staff, h.autoAllocateFair)
		r.Post("/quan-tri/hoi-cho/:event/nhan-gian", web.Staff, h.checkInFair)
		r.Get("/quan-ly/:producer/hoi-cho", web.ProducerMember, h.listProducerFairs)
		r.Post("/quan-ly/:producer/hoi-cho/gian/:booth/nhan", web.ProducerMember, h.acceptProducerOffer)
		r.Get("/quan-ly/:producer/hoi-cho/:event", web.ProducerMember, h.showProducerFair)
		r.Post("/quan-ly/:producer/hoi-cho/:event", web.ProducerMember, h.applyProducerFair)
		r.Post("/quan-ly/:producer/hoi-cho/:event/rut", web.ProducerMember, h.withdrawProducerFair)
		r.Post("/quan-ly/:producer/hoi-cho/:event/bao-cao", web.ProducerMember, h.reportProducerFair)
		r.Get("/quan-tri/hoi-cho/:event/ket-qua", web.Staff, h.showFairOutcome)
		r.Get("/quan-tri/khuyen-mai", web.Staff, h.listPromotions)
		r.Post("/quan-tri/khuyen-mai", web.Staff, h.saveStaffPromotion)
		r.Post("/quan-tri/khuyen-mai/:promotion/huy", web.Staff, h.cancelStaffPromotion)
		r.Get("/quan-ly/:producer/khuyen-mai", web.ProducerMember, h.listProducerPromotions)
		r.Post("/quan-ly/:producer/khuyen-mai", web.ProducerMember, h.saveProducerPromotion)
		r.Post("/quan-ly/:producer/khuyen-mai/:promotion/huy", web.ProducerMember, h.cancelProducerPromotion)
	}
	r.Get("/quan-tri/chi-muc", web.Admin, h.showOutbox)
	r.Post("/quan-tri/chi-muc/thu-lai", web.Admin, h.retryOutbox)

	// onboarding: a signed-in user applies to open a storefront
	r.Get("/mo-cua-hang", web.SignedIn, h.showApply)
	r.Upload("/mo-cua-hang", web.SignedIn, h.saveApply)
	r.Get("/mo-cua-hang/tai-lieu/:document", web.SignedIn, h.showMyDocument)
	r.Post("/mo-cua-hang/tai-lieu/:document/xoa", web.SignedIn, h.removeMyDocument)
	r.Get("/mo-cua-hang/xa", web.SignedIn, h.listCommunes)

	// producer back-office (members; province staff on a household's behalf)
	r.Get("/quan-ly", web.SignedIn, h.showBackofficeStart)
	r.Get("/quan-ly/:producer", web.ProducerMember, h.showDashboard)
	r.Get("/quan-ly/:producer/san-pham", web.ProducerMember, h.listBackofficeProducts)
	r.Get("/quan-ly/:producer/san-pham/moi", web.ProducerMember, h.showNewProduct)
	r.Post("/quan-ly/:producer/san-pham/moi", web.ProducerMember, h.saveNewProduct)
	r.Get("/quan-ly/:producer/san-pham/:product", web.ProducerMember, h.showEditProduct)
	r.Post("/quan-ly/:producer/san-pham/:product", web.ProducerMember, h.saveProduct)
	r.Get("/quan-ly/:producer/cua-hang", web.ProducerMember, h.showProfile)
	r.Post("/quan-ly/:producer/cua-hang", web.ProducerMember, h.saveProfile)
	r.Get("/quan-ly/:producer/san-pham/:product/tem", web.ProducerMember, h.showLabels)
	// orders: the producer's members, and its province's staff (either
	// kind), who may act on them too, audited as staff
	r.Get("/quan-ly/:producer/don-hang", web.ProducerOrStaff, h.listOrders)
	r.Get("/quan-ly/:producer/don-hang/:order", web.ProducerOrStaff, h.showOrder)
	r.Post("/quan-ly/:producer/don-hang/:order", web.ProducerOrStaff, h.saveOrder)
	r.Post("/quan-ly/:producer/don-hang/:order/da-nhan-tien", web.ProducerOrStaff, h.confirmTransfer)
	r.Post("/quan-ly/:producer/don-hang/:order/hoan-tien", web.ProducerOrStaff, h.refundOrder)
	r.Get("/quan-ly/:producer/ban-hang", web.ProducerMember, h.showSales)
	r.Post("/quan-ly/:producer/ban-hang", web.ProducerMember, h.saveSales)
	if h.showrooms != nil {
		r.Get("/quan-ly/:producer/diem-ban", web.ProducerMember, h.listProducerShowrooms)
		r.Post("/quan-ly/:producer/diem-ban/:showroom/san-pham", web.ProducerMember, h.saveProducerShowroomProduct)
	}

	// photos, logo and banner (the media files are the storefront's)
	const productPath = "/quan-ly/:producer/san-pham/:product"
	r.Get(productPath+"/anh", web.ProducerMember, h.showPhotos)
	r.Upload(productPath+"/anh", web.ProducerMember, h.savePhotos)
	r.Post(productPath+"/anh/:photo", web.ProducerMember, h.savePhoto)
	r.Post(productPath+"/anh/:photo/xoa", web.ProducerMember, h.removePhoto)
	r.Post(productPath+"/xoa", web.ProducerMember, h.removeProduct)
	const shop = "/quan-ly/:producer/cua-hang/anh"
	r.Get(shop, web.ProducerMember, h.showShopImages)
	for _, kind := range []string{product.Logo, product.Banner} {
		r.Upload(shop+"/"+kind, web.ProducerMember, h.saveShopImage(kind))
		r.Post(shop+"/"+kind+"/xoa", web.ProducerMember, h.removeShopImage(kind))
	}
}
