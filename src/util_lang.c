/* util_lang.c — see util_lang.h. */
#include "util_lang.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int process_en;

void lang_set(int en)
{
    process_en = en;
}

int lang_en(void)
{
    return process_en;
}

/* What the errors mean for whoever reads them, not for a programmer. */
static const struct { int e; const char *zh; } ERRNO_ZH[] = {
    {ENOENT, "文件或文件夹不存在"},
    {EACCES, "没有访问权限"},
    {EPERM, "不允许这样操作"},
    {ENOSPC, "磁盘已满"},
    {EDQUOT, "超出磁盘配额"},
    {EEXIST, "已经存在"},
    {ENOTDIR, "路径中有一段不是文件夹"},
    {EISDIR, "这是一个文件夹，不是文件"},
    {EROFS, "所在位置只读，不能写入"},
    {ENAMETOOLONG, "文件名或路径太长"},
    {EFBIG, "文件太大"},
    {EIO, "读写设备出错"},
    {EMFILE, "同时打开的文件太多"},
    {ENOMEM, "内存不足"},
};

const char *errno_text(int e)
{
    if (!process_en)
        for (size_t i = 0; i < sizeof ERRNO_ZH / sizeof ERRNO_ZH[0]; i++)
            if (ERRNO_ZH[i].e == e) return ERRNO_ZH[i].zh;
    if (!process_en) {
        static char buf[48];
        snprintf(buf, sizeof buf, "系统错误（errno %d）", e);
        return buf;
    }
    return strerror(e);
}
