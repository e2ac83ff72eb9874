build-h14/obj/ttf_subset.o: src/ttf_subset.c src/ttf_subset.h src/util.h \
 /usr/include/harfbuzz/hb.h /usr/include/harfbuzz/hb-blob.h \
 /usr/include/harfbuzz/hb-common.h /usr/include/harfbuzz/hb-buffer.h \
 /usr/include/harfbuzz/hb-unicode.h /usr/include/harfbuzz/hb-font.h \
 /usr/include/harfbuzz/hb-face.h /usr/include/harfbuzz/hb-set.h \
 /usr/include/harfbuzz/hb-draw.h /usr/include/harfbuzz/hb.h \
 /usr/include/harfbuzz/hb-deprecated.h /usr/include/harfbuzz/hb-map.h \
 /usr/include/harfbuzz/hb-shape.h /usr/include/harfbuzz/hb-shape-plan.h \
 /usr/include/harfbuzz/hb-style.h /usr/include/harfbuzz/hb-version.h
src/ttf_subset.h:
src/util.h:
/usr/include/harfbuzz/hb.h:
/usr/include/harfbuzz/hb-blob.h:
/usr/include/harfbuzz/hb-common.h:
/usr/include/harfbuzz/hb-buffer.h:
/usr/include/harfbuzz/hb-unicode.h:
/usr/include/harfbuzz/hb-font.h:
/usr/include/harfbuzz/hb-face.h:
/usr/include/harfbuzz/hb-set.h:
/usr/include/harfbuzz/hb-draw.h:
/usr/include/harfbuzz/hb.h:
/usr/include/harfbuzz/hb-deprecated.h:
/usr/include/harfbuzz/hb-map.h:
/usr/include/harfbuzz/hb-shape.h:
/usr/include/harfbuzz/hb-shape-plan.h:
/usr/include/harfbuzz/hb-style.h:
/usr/include/harfbuzz/hb-version.h:
