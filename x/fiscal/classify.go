package fiscal

// Functional classification: China's 政府收支分类科目 支出功能分类, 类
// (3 digits), 款 (5) and 项 (7). Each 类 maps to a COFOG division (UN
// Classification of the Functions of Government, 1999); the mapping is
// ours, at division level, and docs/fiscal.md lists it.
type FunctionClass struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	COFOG string `json:"cofog"`
	// COFOGName is the COFOG division's English name.
	COFOGName string `json:"cofog_name"`
}

// Economic classification class: 政府预算支出经济分类 (5xx) or
// 部门预算支出经济分类 (3xx), mapped to a GFSM 2014 expense (2x) or
// transaction-in-assets (3x) category.
type EconomicClass struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	GFSM     string `json:"gfsm"`
	GFSMName string `json:"gfsm_name"`
}

var cofogNames = map[string]string{
	"01": "General public services", "02": "Defence", "03": "Public order and safety", "04": "Economic affairs",
	"05": "Environmental protection", "06": "Housing and community amenities", "07": "Health",
	"08": "Recreation, culture and religion", "09": "Education", "10": "Social protection",
}

func fc(code, name, cofog string) FunctionClass {
	return FunctionClass{Code: code, Name: name, COFOG: cofog, COFOGName: cofogNames[cofog]}
}

// FunctionClasses are the 类 of 支出功能分类 we accept, sorted by code.
var FunctionClasses = []FunctionClass{
	fc("201", "一般公共服务支出", "01"),
	fc("202", "外交支出", "01"),
	fc("203", "国防支出", "02"),
	fc("204", "公共安全支出", "03"),
	fc("205", "教育支出", "09"),
	fc("206", "科学技术支出", "01"),
	fc("207", "文化旅游体育与传媒支出", "08"),
	fc("208", "社会保障和就业支出", "10"),
	fc("209", "社会保险基金支出", "10"),
	fc("210", "卫生健康支出", "07"),
	fc("211", "节能环保支出", "05"),
	fc("212", "城乡社区支出", "06"),
	fc("213", "农林水支出", "04"),
	fc("214", "交通运输支出", "04"),
	fc("215", "资源勘探工业信息等支出", "04"),
	fc("216", "商业服务业等支出", "04"),
	fc("217", "金融支出", "04"),
	fc("219", "援助其他地区支出", "01"),
	fc("220", "自然资源海洋气象等支出", "04"),
	fc("221", "住房保障支出", "06"),
	fc("222", "粮油物资储备支出", "04"),
	fc("223", "国有资本经营预算支出", "04"),
	fc("224", "灾害防治及应急管理支出", "03"),
	fc("227", "预备费", "01"),
	fc("229", "其他支出", "01"),
	fc("230", "转移性支出", "01"),
	fc("231", "债务还本支出", "01"),
	fc("232", "债务付息支出", "01"),
	fc("233", "债务发行费用支出", "01"),
}

var gfsmNames = map[string]string{
	"21": "Compensation of employees", "22": "Use of goods and services", "24": "Interest", "25": "Subsidies",
	"26": "Grants", "27": "Social benefits", "28": "Other expense", "31": "Net acquisition of nonfinancial assets",
	"32": "Net acquisition of financial assets", "33": "Net incurrence of liabilities",
}

func ec(code, name, gfsm string) EconomicClass {
	return EconomicClass{Code: code, Name: name, GFSM: gfsm, GFSMName: gfsmNames[gfsm]}
}

// EconomicClasses are the 类 of the two economic classifications we
// accept, sorted by code: 3xx (部门预算) and 5xx (政府预算).
var EconomicClasses = []EconomicClass{
	ec("301", "工资福利支出", "21"),
	ec("302", "商品和服务支出", "22"),
	ec("303", "对个人和家庭的补助", "27"),
	ec("307", "债务利息及费用支出", "24"),
	ec("309", "资本性支出（基本建设）", "31"),
	ec("310", "资本性支出", "31"),
	ec("311", "对企业补助（基本建设）", "25"),
	ec("312", "对企业补助", "25"),
	ec("313", "对社会保障基金补助", "26"),
	ec("399", "其他支出", "28"),
	ec("501", "机关工资福利支出", "21"),
	ec("502", "机关商品和服务支出", "22"),
	ec("503", "机关资本性支出（一）", "31"),
	ec("504", "机关资本性支出（二）", "31"),
	ec("505", "对事业单位经常性补助", "26"),
	ec("506", "对事业单位资本性补助", "26"),
	ec("507", "对企业补助", "25"),
	ec("508", "对企业资本性支出", "32"),
	ec("509", "对个人和家庭的补助", "27"),
	ec("510", "对社会保障基金补助", "26"),
	ec("511", "债务利息及费用支出", "24"),
	ec("512", "债务还本支出", "33"),
	ec("513", "转移性支出", "26"),
	ec("514", "预备费及预留", "28"),
	ec("599", "其他支出", "28"),
}

// Fund sources: China's four budgets (四本预算).
const (
	FundGeneral         = "general"          // 一般公共预算
	FundGovernment      = "government_fund"  // 政府性基金预算
	FundStateCapital    = "state_capital"    // 国有资本经营预算
	FundSocialInsurance = "social_insurance" // 社会保险基金预算
)

// FundSources lists them.
var FundSources = []string{FundGeneral, FundGovernment, FundStateCapital, FundSocialInsurance}

// FunctionClassOf returns the 类 of a 3, 5 or 7 digit function code.
func FunctionClassOf(code string) (FunctionClass, bool) {
	if !digits(code) || (len(code) != 3 && len(code) != 5 && len(code) != 7) {
		return FunctionClass{}, false
	}
	for _, c := range FunctionClasses {
		if c.Code == code[:3] {
			return c, true
		}
	}
	return FunctionClass{}, false
}

// EconomicClassOf returns the 类 of a 3 or 5 digit economic code.
func EconomicClassOf(code string) (EconomicClass, bool) {
	if !digits(code) || (len(code) != 3 && len(code) != 5) {
		return EconomicClass{}, false
	}
	for _, c := range EconomicClasses {
		if c.Code == code[:3] {
			return c, true
		}
	}
	return EconomicClass{}, false
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
