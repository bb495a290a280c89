// The review queue's strings (views/review*): filters, both sides, the comparison, the
// merge's preview and confirmation, a decision's progress and result.
const COMPARED = {
  // [attribute, level] -> [Chinese, English]: the resolver's comparison levels.
  id_number: { exact: ["一致", "same"], typo_of_valid: ["疑似笔误", "looks like a typo"],
    one_edit: ["差一位", "one character apart"], different: ["不同", "different"],
    different_valid: ["不同（均为有效号码）", "different (both valid)"] },
  name: { exact: ["一致", "same"], pinyin: ["拼音相同", "same pinyin"], similar: ["相近", "similar"],
    surname: ["仅姓氏相同", "same surname only"], different: ["不同", "different"] },
  birth_date: { exact: ["一致", "same"], near: ["相近", "close"], same_year: ["同年", "same year"],
    different: ["不同", "different"] },
  sex: { same: ["一致", "same"], different: ["不同", "different"] },
  division: { county: ["同一县区", "same county"], prefecture: ["同一市", "same prefecture"],
    elsewhere: ["不同地区", "elsewhere"] },
  mother: { same: ["同一母亲", "same mother"], different: ["母亲不同", "different mothers"] },
};

const STRINGS = {
  filter_kind: ["类型", "Kind"], kind_all: ["全部", "All"],
  kind_family_fusion: ["疑似同一人（全部）", "Possible matches (all)"],
  kind_family_conflict: ["事实冲突（全部）", "Conflicting facts (all)"],
  filter_division: ["地区", "Division"], division_all: ["全省", "Whole province"],
  filter_age: ["发现时间", "Found"], age_any: ["不限", "Any time"],
  age_new7: ["7 天内", "Within 7 days"], age_new30: ["30 天内", "Within 30 days"],
  age_old7: ["7 天以前", "Over 7 days ago"], age_old30: ["30 天以前", "Over 30 days ago"],
  apply_filters: ["筛选", "Filter"], page_of: ["第 {from}–{to} 条，共 {total} 条", "{from}–{to} of {total}"],
  page_prev: ["上一页", "Previous"], page_next: ["下一页", "Next"],
  queue_title: ["待复核事项", "Items to review"],
  found_on: ["发现于 {date}", "found {date}"], weight_n: ["比对得分 {n}", "match score {n}"],
  side_a: ["甲方", "Side A"], side_b: ["乙方", "Side B"],
  mentions_n: ["{n} 条记录", "{n} records"], this_record: ["本次比对的记录", "The record compared"],
  no_person: ["（未合并到任何人员）", "(not fused into a person)"],
  compare: ["对照两人全部记录", "Compare all their records"],
  compare_hide: ["收起对照", "Hide the comparison"],
  compare_title: ["两人全部记录对照", "Every record of both persons"],
  compare_fields: ["要点对照", "Key facts side by side"], levels_title: ["系统比对结果", "What the matcher found"],
  level_unknown: ["无法比较", "not comparable"], agrees: ["相同", "same"], differs: ["不同", "differs"],
  cmp_id_number: ["身份证号", "ID number"], cmp_name: ["姓名", "Name"], cmp_birth_date: ["出生日期", "Birth date"],
  cmp_sex: ["性别", "Sex"], cmp_division: ["地区", "Division"], cmp_mother: ["母亲", "Mother"],
  registered_in: ["户籍地", "Registered in"], mentions: ["记录数", "Records"],
  merge_preview: ["合并前请确认", "Confirm before merging"],
  preview_loading: ["正在核对合并后的变化…", "Working out what the merge changes…"],
  preview_merge: ["以下两人将合并为一人：", "These persons become one:"],
  preview_survivor: ["合并后使用人员编号", "The merged person keeps the id"],
  preview_moved: ["{n} 条记录将转到该人员名下", "{n} records move to that person"],
  preview_split: ["将从此人拆出 {n} 条记录，另立一人", "{n} records are split off into another person"],
  preview_edges: ["受影响的关系", "Relationships affected"],
  preview_none: ["人员和关系均无变化", "No person or relationship changes"],
  preview_more: ["（另有 {n} 条）", "(and {n} more)"],
  preview_after: ["处理后共 {n} 人", "{n} person(s) afterwards"],
  preview_note: ["系统将按此决定重新比对全部记录，可能因此关联更多记录；完成后会列出实际变化。",
    "Every record is matched again with this decision; it may link more records. The actual changes are listed when it is done."],
  preview_expires: ["请在 {time} 前确认", "Confirm before {time}"],
  confirm_merge: ["确认合并", "Confirm the merge"], confirm_split: ["确认拆分", "Confirm the split"],
  cancel: ["取消", "Cancel"],
  edge_CHILD_OF: ["亲子关系", "parent–child"], edge_MARRIED: ["婚姻", "marriages"],
  edge_MEMBER_OF: ["户籍登记", "household registrations"], edge_LIVED_AT: ["居住登记", "residences"],
  edge_EMPLOYED_BY: ["就业登记", "employment"], edge_FOR: ["生育证", "birth permits"],
  job_pending: ["已提交，正在处理", "Submitted, in progress"],
  job_elapsed: ["已用时 {n} 秒", "{n} s so far"],
  stage_queued: ["排队中", "queued"], stage_waiting: ["等待其他写入（数据加载或其他决定）完成", "waiting for another writer (a load or another decision)"],
  stage_deciding: ["记录决定", "recording the decision"], stage_fusing: ["重新比对全部记录", "matching every record again"],
  stage_write_records: ["写入记录", "writing records"], stage_write_persons: ["写入人员", "writing persons"],
  stage_write_mentions: ["更新记录归属", "moving records"], stage_write_child_of: ["写入亲子关系", "writing parent–child links"],
  stage_write_married: ["写入婚姻", "writing marriages"], stage_write_MEMBER_OF: ["写入户籍登记", "writing registrations"],
  stage_write_LIVED_AT: ["写入居住登记", "writing residences"], stage_write_EMPLOYED_BY: ["写入就业登记", "writing employment"],
  stage_comparing: ["核对实际变化", "working out what changed"], stage_done: ["完成", "done"],
  stage_failed: ["失败", "failed"], stage_interrupted: ["已中断", "interrupted"], stage_other: ["处理中", "working"],
  job_done: ["已完成：{decision}", "Done: {decision}"], job_failed: ["未能完成：{decision}", "Not done: {decision}"],
  job_error_invalid_input: ["此事项已被处理，或该决定不适用。", "The item was decided meanwhile, or the decision does not fit it."],
  job_error_person_not_found: ["相关人员已不存在（可能已被合并）。", "The person no longer exists (merged meanwhile)."],
  job_error_store_busy: ["等待其他写入完成超时，请稍后重试。", "Waited too long for another writer; try again later."],
  job_error_interrupted: ["服务重启，处理中断，请重新提交。", "The service restarted; submit the decision again."],
  job_error_other: ["处理出错，请联系系统管理员。", "Something went wrong; tell the administrator."],
  result_merged: ["已合并：", "Merged:"], result_into: ["合并为", "into"],
  result_split: ["已拆分：", "Split:"], result_split_into: ["拆分为", "into"],
  result_moved: ["{n} 条记录改变了归属", "{n} records changed person"],
  result_edges: ["{type}：新增 {added}，删除 {removed}，更新 {changed}", "{type}: {added} added, {removed} removed, {changed} changed"],
  result_nothing: ["人员归属没有变化", "No record changed person"],
  result_persons: ["涉及人员 {n} 人（已记入审计日志）", "{n} persons touched (in the audit log)"],
  decision_pending_exists: ["此事项已有决定正在处理。", "A decision on this item is already in progress."],
  confirmation_stale: ["数据已变化或确认已过期，请重新确认。", "The graph changed or the confirmation expired: confirm again."],
  unmerge_preview: ["预览拆分", "Preview the split"],
  claim_parent_of: ["{claim}（子女：{child}）", "{claim} (of {child})"],
};

function catalogue(i) {
  const out = {};
  for (const [key, pair] of Object.entries(STRINGS)) out[key] = pair[i];
  for (const [name, levels] of Object.entries(COMPARED)) {
    for (const [level, pair] of Object.entries(levels)) out[`lvl_${name}_${level}`] = pair[i];
  }
  return out;
}

export const reviewZh = catalogue(0);
export const reviewEn = catalogue(1);
