build-h14/obj/image_jpeg.o: src/image_jpeg.c src/image_int.h src/image.h \
 src/util.h
src/image_int.h:
src/image.h:
src/util.h:
