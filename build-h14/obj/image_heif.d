build-h14/obj/image_heif.o: src/image_heif.c src/image_int.h src/image.h \
 src/util.h
src/image_int.h:
src/image.h:
src/util.h:
