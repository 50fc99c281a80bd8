"""The vocabulary of Chinese legislative drafting, in one place: the words that end a rule's name,
how a text refers to itself (本法, 本条例, 本办法 …) and to its own articles, how provisions are
numbered, and the things with a term of their own (许可证, 登记证 …) that are not the document.

Every pattern here is a regular-expression fragment (no groups, so it can be embedded anywhere).
"""
from __future__ import annotations

from .numerals import ANY_NUM

# ---- Rule names ------------------------------------------------------------------------------------

# What a rule's name ends with (立法法: 法律 …法; 行政法规 条例/规定/办法; 规章 规定/办法/细则;
# 司法解释 解释/规定/批复/决定). Longest first, so that 实施细则 is not read as 细则 after 实施.
RULE_ENDINGS = ("实施细则", "实施办法", "实施意见", "法典", "条例", "规定", "办法", "细则", "规则", "规程", "决定",
                "解释", "批复", "通则", "准则", "章程", "标准", "法")
# Titles that end like a rule but are about one (关于…的决定, 关于《X办法》的政策解读, 通知 …): they
# name no rule of their own, so identity never keys a lineage on them.
NOT_RULE_WORDS = ("决定", "通知", "政策解读", "解读", "说明", "答记者问", "草案", "征求意见")
# Documents that are not rules but still say 本意见自…施行.
POLICY_ENDINGS = ("意见", "通知", "措施", "方案", "文件", "规划", "文")

RULE_ENDING = "(?:" + "|".join(RULE_ENDINGS) + ")"
DOCUMENT_WORD = "(?:" + "|".join(sorted(set(RULE_ENDINGS + POLICY_ENDINGS), key=len, reverse=True)) + ")"
# Generic names a decision uses for the law it amends: 将条例中的 / 本法 / 该规定 / 法规名称.
LAW_WORD = "(?:本|该)?(?:法律|法规|规章|" + "|".join(RULE_ENDINGS) + ")"

# ---- Self-reference --------------------------------------------------------------------------------

# What a document calls itself: 本法, 本条例, 本办法自…施行, 本规定有效期至… The longer words come
# first so the alternation never stops at a prefix (本实施细则 before 本细则).
SELF_WORDS = ("实施细则", "实施办法", "实施意见", "规范性文件", "条例", "规定", "办法", "细则", "规则", "规程",
              "意见", "通知", "决定", "修正案", "决议", "公告", "措施", "方案", "文件", "解释", "规划", "标准", "指引",
              "准则", "法", "文")
SELF_REFERENCE = "(?:本|此)(?:" + "|".join(SELF_WORDS) + ")"
# Another rule named before an article number: 《某条例》第五条, 刑法第一百三十三条之一.
OTHER_RULE = rf"(?:《[^《》]{{1,60}}》|[\u4e00-\u9fff]{{0,12}}?{RULE_ENDING})"

# Things a rule grants or approves that have a term of their own: their 有效期 is not the rule's.
TERMED_THINGS = ("许可证", "登记证", "证书", "证照", "执照", "证件", "资格证", "批准文件", "批准书", "批复", "许可",
                 "登记", "备案", "注册", "资质", "合同", "协议", "凭证", "牌照", "标志", "证明", "核准", "认定",
                 "认证", "评估", "规划", "计划", "预案", "方案", "项目", "证")

# ---- Kinds of thing a rule lists -----------------------------------------------------------------------

# The head words of the nouns rules list side by side (殡仪馆、殡仪服务站; 刑事案件、道路交通事故), by kind.
# Words added after one of the same kind join it as a list member (GB/T 15834: 、 between coordinate
# words); a head of another kind makes a compound (单位 + 负责人 = 单位负责人), never a list.
THING_KINDS = (
    ("馆", "站", "堂", "所", "院", "场", "中心", "机构", "单位", "组织", "企业", "部门", "机关", "政府", "委员会"),
    ("案件", "事故", "事件", "纠纷", "事项", "行为", "活动"),
    ("设施", "设备", "物品", "用品", "产品", "材料", "器材", "车辆", "船舶"),
    ("证", "证书", "证件", "证明", "凭证", "文件", "资料", "报告"),
    ("费", "费用", "资金", "基金", "补贴", "补助"),
    ("秘密", "隐私", "信息", "数据"),
    ("条",), ("款",), ("项",),          # 第三十三条 + 第三十四条 is a list; 第三十三条 + 第二款 one place
)


def thing_kind(words: str) -> int | None:
    """The kind (an index into THING_KINDS) of the noun ``words`` ends with, None if not a listed one."""
    for i, heads in enumerate(THING_KINDS):
        if words.endswith(heads):
            return i
    return None


# ---- Numbering of provisions -----------------------------------------------------------------------

ARTICLE_NUMBER = rf"第{ANY_NUM}条(?:之{ANY_NUM})?"
PARAGRAPH_NUMBER = rf"第{ANY_NUM}款"
ITEM_NUMBER = rf"第[（(]?{ANY_NUM}[）)]?项"
CONTAINER_NUMBER = rf"第{ANY_NUM}(?:分编|编|章|节)"
# A reference to a provision: 第十条 / 第十条之一第二款第（三）项.
PROVISION = rf"{ARTICLE_NUMBER}(?:{PARAGRAPH_NUMBER})?(?:{ITEM_NUMBER})?"
# Words joining references in a list: 第十条、第十二条和第十五条 / 第十条至第十二条.
REFERENCE_JOIN = "(?:、|和|及|或者|或|以及|至)"
