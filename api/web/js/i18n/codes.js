// Labels of the codes the feeds carry (ingest/codes.py): national standards and the
// feeds' own enumerations, so a record shows 女 or 母亲, never 2 or 52.
// GB/T 4761-2008 family relations, by code: [Chinese, English].
const RELATIONS = {
  "01": ["本人", "self"], "02": ["户主", "head of household"], 10: ["配偶", "spouse"], 11: ["夫", "husband"],
  12: ["妻", "wife"], 20: ["子", "son"], 21: ["独生子", "only son"], 22: ["长子", "eldest son"],
  23: ["次子", "second son"], 24: ["三子", "third son"], 25: ["四子", "fourth son"], 26: ["五子", "fifth son"],
  27: ["养子或继子", "adopted or step son"], 28: ["女婿", "son-in-law"], 29: ["其他儿子", "other son"],
  30: ["女", "daughter"], 31: ["独生女", "only daughter"], 32: ["长女", "eldest daughter"],
  33: ["次女", "second daughter"], 34: ["三女", "third daughter"], 35: ["四女", "fourth daughter"],
  36: ["五女", "fifth daughter"], 37: ["养女或继女", "adopted or step daughter"], 38: ["儿媳", "daughter-in-law"],
  39: ["其他女儿", "other daughter"], 40: ["孙子、孙女或外孙子、外孙女", "grandchild"], 41: ["孙子", "grandson (son's son)"],
  42: ["孙女", "granddaughter (son's daughter)"], 43: ["外孙子", "grandson (daughter's son)"],
  44: ["外孙女", "granddaughter (daughter's daughter)"], 45: ["孙媳妇或外孙媳妇", "grandson's wife"],
  46: ["孙女婿或外孙女婿", "granddaughter's husband"], 47: ["曾孙子或外曾孙子", "great-grandson"],
  48: ["曾孙女或外曾孙女", "great-granddaughter"], 49: ["其他孙子、孙女或外孙子、外孙女", "other grandchild"],
  50: ["父母", "parent"], 51: ["父亲", "father"], 52: ["母亲", "mother"], 53: ["公公", "husband's father"],
  54: ["婆婆", "husband's mother"], 55: ["岳父", "wife's father"], 56: ["岳母", "wife's mother"],
  57: ["继父或养父", "step or adoptive father"], 58: ["继母或养母", "step or adoptive mother"],
  59: ["其他父母关系", "other parent"], 60: ["祖父母或外祖父母", "grandparent"], 61: ["祖父", "paternal grandfather"],
  62: ["祖母", "paternal grandmother"], 63: ["外祖父", "maternal grandfather"], 64: ["外祖母", "maternal grandmother"],
  65: ["配偶的祖父母或外祖父母", "spouse's grandparent"], 66: ["曾祖父", "great-grandfather"],
  67: ["曾祖母", "great-grandmother"], 68: ["配偶的曾祖父母或外曾祖父母", "spouse's great-grandparent"],
  69: ["其他祖父母或外祖父母关系", "other grandparent"], 70: ["兄弟姐妹", "sibling"], 71: ["兄", "elder brother"],
  72: ["嫂", "elder brother's wife"], 73: ["弟", "younger brother"], 74: ["弟媳", "younger brother's wife"],
  75: ["姐姐", "elder sister"], 76: ["姐夫", "elder sister's husband"], 77: ["妹妹", "younger sister"],
  78: ["妹夫", "younger sister's husband"], 79: ["其他兄弟姐妹", "other sibling"], 80: ["其他", "other"],
  81: ["伯父", "father's elder brother"], 82: ["伯母", "father's elder brother's wife"],
  83: ["叔父", "father's younger brother"], 84: ["婶母", "father's younger brother's wife"],
  85: ["舅父", "mother's brother"], 86: ["舅母", "mother's brother's wife"], 87: ["姨父", "mother's sister's husband"],
  88: ["姨母", "mother's sister"], 89: ["姑父", "father's sister's husband"], 90: ["姑母", "father's sister"],
  91: ["堂兄弟、堂姐妹", "paternal cousin"], 92: ["表兄弟、表姐妹", "cousin"], 93: ["侄子", "nephew (brother's son)"],
  94: ["侄女", "niece (brother's daughter)"], 95: ["外甥", "nephew (sister's son)"], 96: ["外甥女", "niece (sister's daughter)"],
  97: ["其他亲属", "other relative"], 99: ["非亲属", "not a relative"],
};

// Other code lists: key prefix -> {code: [Chinese, English]}.
const LISTS = {
  sex: { 0: ["未知", "unknown"], 1: ["男", "male"], 2: ["女", "female"], 9: ["未说明", "not stated"] },
  marital: { 10: ["未婚", "never married"], 20: ["已婚", "married"], 21: ["初婚", "first marriage"],
    22: ["再婚", "remarried"], 23: ["复婚", "remarried to the same spouse"], 30: ["丧偶", "widowed"],
    40: ["离婚", "divorced"], 90: ["未说明", "not stated"] },
  hukou: { agricultural: ["农业户口", "agricultural"], non_agricultural: ["非农业户口", "non-agricultural"],
    resident: ["居民户口", "resident (unified)"] },
  dereg: { moved_out: ["迁出", "moved out"], death: ["死亡", "death"], emigrated: ["出国（境）", "emigrated"], other: ["其他", "other"] },
  mevent: { marriage: ["结婚登记", "marriage"], divorce: ["离婚登记", "divorce"], remarriage: ["复婚登记", "remarriage"] },
  cert: { birth_service: ["生育服务证", "birth service permit"], one_child_glory: ["独生子女父母光荣证", "one-child glory certificate"] },
  dis: { visual: ["视力残疾", "visual"], hearing: ["听力残疾", "hearing"], speech: ["言语残疾", "speech"],
    physical: ["肢体残疾", "physical"], intellectual: ["智力残疾", "intellectual"], mental: ["精神残疾", "mental"],
    multiple: ["多重残疾", "multiple"] },
  dxresult: { affected: ["患病", "affected"], carrier: ["携带者", "carrier"], normal: ["未见异常", "normal"],
    suspected: ["疑似（待确诊）", "suspected (not yet confirmed)"] },
  cond: { g6pd_deficiency: ["G6PD 缺乏症", "G6PD deficiency"], hemophilia_a: ["血友病 A", "haemophilia A"],
    pku: ["苯丙酮尿症", "phenylketonuria"] },
  src: { public_security: ["公安户籍", "public security (hukou)"], civil_affairs: ["民政婚姻登记", "civil affairs"],
    self_collected: ["基层自采", "collected locally"], birth_platform: ["出生医学证明平台", "birth certificate platform"],
    eugenics_check: ["优生健康检查", "pre-pregnancy check"], hospital: ["医院", "hospital"],
    pregnancy_platform: ["孕情平台", "pregnancy platform"], permit_system: ["计生证件系统", "family-planning permits"],
    disabled_persons_federation: ["残联", "disabled persons' federation"], social_security: ["社保", "social security"],
    newborn_screening: ["新生儿疾病筛查", "newborn screening"] },
};

function catalogue(i) {
  const out = {};
  for (const [code, names] of Object.entries(RELATIONS)) out[`rel_${String(code).padStart(2, "0")}`] = names[i];
  for (const [prefix, list] of Object.entries(LISTS)) {
    for (const [code, names] of Object.entries(list)) out[`${prefix}_${code}`] = names[i];
  }
  return out;
}

export const codesZh = catalogue(0);
export const codesEn = catalogue(1);
