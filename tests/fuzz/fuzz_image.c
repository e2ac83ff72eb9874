/* libFuzzer target: the image stage. The input is written as a figure's
 * file and decoded as check and build decode it (header, whole decode
 * into a small and a print-sized box, EXIF orientation, encoding), and
 * as an upload normalised to JPEG. Nothing may crash, hang or leak; a
 * refusal is a status, never an abort. */
#include "image_int.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/dangan-fuzz-image-XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    if (!mkdtemp(dir)) exit(1);
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *path = path_join(dir, "figure"), *out = path_join(dir, "upload.jpg");
    if (write_file_atomic(path, data, size) == 0) {
        image_info info;
        image_data d;
        if (image_probe(path, &info) == IMAGE_OK && (info.width <= 0 || info.height <= 0)) abort();
        if (image_prepare(path, 64, 64, &d) == IMAGE_OK && (d.width > 64 || d.height > 64 || !d.data)) abort();
        image_data_free(&d);
        if (image_prepare(path, 1750, 1313, &d) == IMAGE_OK && (d.width > 1750 || d.height > 1313)) abort();
        image_data_free(&d);
        image_normalise_file(path, out, 256);
        /* Any APP1 payload through the EXIF reader directly, too. */
        image_exif_orientation(data, size);
    }
    unlink(path);
    unlink(out);
    free(path);
    free(out);
    return 0;
}
