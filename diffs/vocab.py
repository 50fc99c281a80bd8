"""Drafting vocabulary of Chinese legislation, in one place.

# ---- Rule names and self-reference (issue 11: identity and validity) ---------------------------
How a rule's name ends (法, 条例, 规定, 办法 …), the words a document uses for itself (本办法,
本规定 …) and the things with a term of their own (许可证, 登记证 …) that are not the document.
"""
from __future__ import annotations

# ---- Rule names and self-reference (issue 11) ------------------------------------------------------

# The kinds of rule a name ends with (法律, 行政法规, 地方性法规, 规章, 司法解释, 规范性文件).
RULE_ENDINGS = ("法", "法典", "条例", "规定", "办法", "细则", "规则", "规程", "解释", "实施意见", "准则", "通则",
                "章程")
# Titles that end like a rule but are about one (关于…的决定, 关于《X办法》的政策解读, 通知 …).
NOT_RULE_WORDS = ("决定", "通知", "政策解读", "解读", "说明", "答记者问", "草案", "征求意见")

# What a document calls itself: 本办法自…施行, 本规定有效期至… The longer words come first so
# the alternation never stops at a prefix (本实施细则 before 本细则).
SELF_WORDS = ("实施细则", "实施办法", "实施意见", "规范性文件", "条例", "规定", "办法", "细则", "规则", "规程",
              "意见", "通知", "决定", "修正案", "决议", "公告", "措施", "方案", "文件", "解释", "规划", "标准", "指引",
              "准则", "法", "文")
SELF_REFERENCE = "(?:本|此)(?:" + "|".join(SELF_WORDS) + ")"

# Things a rule grants or approves that have a term of their own: their 有效期 is not the rule's.
TERMED_THINGS = ("许可证", "登记证", "证书", "证照", "执照", "证件", "资格证", "批准文件", "批准书", "批复", "许可",
                 "登记", "备案", "注册", "资质", "合同", "协议", "凭证", "牌照", "标志", "证明", "核准", "认定",
                 "认证", "评估", "规划", "计划", "预案", "方案", "项目", "证")
